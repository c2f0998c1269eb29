/**
 * A research session driven by the runner's own engine (runSession) on a shell-script trainer, with a
 * proposer that answers after a chosen delay. The trainer prints its own start and end times (ms) to its
 * log, so the gaps and the training time are measured from the trainer's side: what the GPU would see.
 */
import fs from "node:fs";
import path from "node:path";
import { sessionOptionsSchema } from "../../core/session-options";
import { listRuns } from "../../db/queries/runs";
import { runSession } from "../../runner/loop/engine";
import { startSession } from "../../runner/loop/start-session";
import type { Proposer } from "../../runner/proposers/types";
import { loadWorkspace, registerWorkspace } from "../../runner/workspace";
import { benchSettings, gitWorkspace, openBenchDb, tempDir } from "./fixture";

const TRAINER = (seconds: number) => `VALUE=1.0
echo "bench_start $(date +%s%3N)"
${seconds > 0 ? `sleep ${seconds}\n` : ""}echo "---"
echo "val_bpb: $VALUE"
echo "bench_end $(date +%s%3N)"
`;

/** Proposes a new VALUE each time: about one in five beats the best, so keeps move the branch as in a real night. */
function delayedProposer(delayMs: number): Proposer {
  let n = 0;
  return {
    name: "bench",
    async propose(ctx) {
      if (delayMs > 0) await new Promise((r) => setTimeout(r, delayMs));
      const current = /^VALUE=(.*)$/m.exec(ctx.files["train.sh"] ?? "")![1]!;
      n++;
      const next = (Number(current) + (n % 5 === 0 ? -0.01 : 0.01 * (n % 3))).toFixed(4);
      return { kind: "proposal", title: `VALUE ${current} → ${next}`, hypothesis: "bench", edits: [{ file: "train.sh", old: `VALUE=${current}`, new: `VALUE=${next}` }], costUsd: 0 };
    },
  };
}

export interface TrainerSpan {
  runId: number;
  start: number;
  end: number;
}

export interface LoopFigures {
  experiments: number;
  wallMs: number;
  spans: TrainerSpan[];
  /** Between one trainer's end and the next one's start. */
  gaps: number[];
}

export async function benchLoop(o: { experiments: number; runSeconds: number; proposerDelayMs: number; inspect?: (db: import("../../db/open").Db, sessionId: number) => void }): Promise<LoopFigures> {
  const repo = gitWorkspace({
    "train.sh": TRAINER(o.runSeconds),
    "overseer.json": JSON.stringify({ command: ["sh", "train.sh"], editable: ["train.sh"], protected: [], budgetSeconds: Math.max(1, o.runSeconds), timeoutSeconds: o.runSeconds + 60 }),
  });
  const dataDir = tempDir("overseer-bench-data-");
  const db = openBenchDb(dataDir);
  try {
    const loaded = await loadWorkspace(repo);
    if (!loaded.ok) throw new Error(loaded.error);
    const ws = registerWorkspace(db, loaded.workspace, Date.now());
    const started = await startSession(db, ws, { tag: "bench", options: sessionOptionsSchema.parse({ maxExperiments: o.experiments, proposer: "claude" }), origin: "cli" });
    if (!started.ok) throw new Error(started.error);
    const t0 = Date.now();
    const final = await runSession(started.session.id, { db, settings: benchSettings(dataDir), proposer: delayedProposer(o.proposerDelayMs), log: () => undefined });
    const wallMs = Date.now() - t0;
    o.inspect?.(db, started.session.id);
    if (final.status !== "finished") throw new Error(`the bench session ended ${final.status}: ${final.stopReason}`);
    const spans = listRuns(db, { workspaceId: ws.id, limit: 100_000 })
      .map((r) => trainerSpan(r.id, r.logPath))
      .sort((a, b) => a.start - b.start);
    const gaps = spans.slice(1).map((s, i) => s.start - spans[i]!.end);
    return { experiments: o.experiments, wallMs, spans, gaps };
  } finally {
    db.$client.close();
  }
}

function trainerSpan(runId: number, logPath: string | null): TrainerSpan {
  const log = logPath ? fs.readFileSync(logPath, "utf8") : "";
  const start = /bench_start (\d+)/.exec(log);
  const end = /bench_end (\d+)/.exec(log);
  if (!start || !end) throw new Error(`run ${runId} did not print its times (log ${logPath ? path.basename(logPath) : "missing"}):\n${log}`);
  return { runId, start: Number(start[1]), end: Number(end[1]) };
}
