/**
 * The candidate's model, served to a trusted evaluation (overseer.json `evaluate.serve`). The evaluation never
 * runs the candidate's code itself: it talks to servers through pipes the runner relays. Its fds 3 and 4 are
 * the scoring server's stdin and stdout; fds 5 and 6 a checking server's. Each server is a process of its own,
 * started on the first request sent to it and sandboxed like training: it reads the checkout and the
 * checkpoint, never the evaluation's data, and writes only a scratch folder of its own. The checking server
 * starts after the scoring one has exited, from nothing it left, so a model that answered the scoring requests
 * from what it saw in other requests cannot replay those answers when a prediction is checked.
 */
import type { ChildProcess } from "node:child_process";
import type { Readable, Writable } from "node:stream";

export type ServerRole = "score" | "check";

export interface ModelServer {
  stdin: Writable;
  stdout: Readable;
  /** Asks it to stop (SIGTERM, then SIGKILL after the grace) and resolves once it has exited. */
  stop(): Promise<void>;
  exited: Promise<void>;
}

/** The evaluation's fds, by role: where it writes requests and where it reads answers. */
export const SERVER_FDS: Record<ServerRole, { requests: number; answers: number }> = { score: { requests: 3, answers: 4 }, check: { requests: 5, answers: 6 } };

/**
 * Relays an evaluation's server fds to servers that `start` makes. Resolves `close` once every server it started
 * has exited (they are stopped if still running). `between` runs after the scoring server is gone and before the
 * checking one starts.
 */
export function relayModelServers(evaluation: ChildProcess, start: (role: ServerRole) => ModelServer, graceMs: number, between: () => Promise<void> = async () => {}): { close(): Promise<void> } {
  const started: Partial<Record<ServerRole, ModelServer>> = {};
  const ignore = () => {};
  const connect = (role: ServerRole, before: (() => Promise<void>) | null) => {
    const requests = evaluation.stdio[SERVER_FDS[role].requests] as Readable | null;
    const answers = evaluation.stdio[SERVER_FDS[role].answers] as Writable | null;
    if (!requests || !answers) return;
    requests.on("error", ignore);
    answers.on("error", ignore);
    const begin = (first: Buffer) => {
      const server = start(role);
      started[role] = server;
      server.stdin.on("error", ignore);
      server.stdout.on("error", ignore);
      server.stdin.write(first);
      requests.pipe(server.stdin);
      server.stdout.pipe(answers);
      requests.resume();
    };
    requests.once("data", (first: Buffer) => {
      requests.pause();
      if (before) void before().then(() => begin(first));
      else begin(first);
    });
  };
  connect("score", null);
  // The checking server starts once the scoring one is gone: its input closed, and stopped if it lingers.
  connect("check", async () => {
    const scoring = started.score;
    if (!scoring) return;
    scoring.stdin.end();
    const lingered = await Promise.race([scoring.exited.then(() => false), new Promise<boolean>((r) => setTimeout(() => r(true), graceMs))]);
    if (lingered) await scoring.stop();
    // Nothing the scoring server left in the machine's shared state (the page cache) reaches the checking one.
    await between();
  });
  return {
    close: async () => {
      await Promise.all(Object.values(started).map((s) => s.stop()));
    },
  };
}
