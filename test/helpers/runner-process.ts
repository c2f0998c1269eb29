/** A real `bin/overseer runner` as a child process, and checks that a run's log and its stored series agree. */
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { expect } from "vitest";
import { LogParser } from "../../core/log-parser";
import type { Db } from "../../db/open";
import { drawnSeries, seriesPoints } from "../../db/queries/metrics";
import { getRun } from "../../db/queries/runs";
import { ROOT } from "./temp";

export function startRunner(dataDir: string, env: Record<string, string> = {}): { child: ChildProcess; output: () => string } {
  const child = spawn(path.join(ROOT, "bin", "overseer"), ["runner"], {
    env: { ...process.env, OVERSEER_DATA_DIR: dataDir, OVERSEER_NVIDIA_SMI: "/nonexistent/nvidia-smi", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout!.on("data", (c: Buffer) => (out += c.toString()));
  child.stderr!.on("data", (c: Buffer) => (out += c.toString()));
  return { child, output: () => out };
}

export async function stopRunner(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill("SIGTERM");
  await new Promise((r) => child.once("exit", r));
}

export async function killHard(child: ChildProcess): Promise<void> {
  child.kill("SIGKILL");
  await new Promise((r) => child.once("exit", r));
}

/** The log's loss values by step (the last printed for a step), as a reader of run.log would take them. */
export function lossInLog(file: string): Map<number, number> {
  const p = new LogParser();
  const out = new Map<number, number>();
  for (const e of [...p.feed(fs.readFileSync(file)), ...p.end()]) if (e.kind === "progress" && e.values.loss !== undefined) out.set(e.step, e.values.loss);
  return out;
}

export function expectEveryPointOnce(db: Db, runId: number) {
  const run = getRun(db, runId)!;
  const inLog = lossInLog(run.logPath!);
  const stored = seriesPoints(db, runId, "loss");
  expect(stored.length).toBe(inLog.size);
  expect(new Set(stored.map((p) => p.step)).size).toBe(stored.length);
  for (const p of stored) expect(p.value).toBe(inLog.get(p.step));
  expect(run.pointCount).toBeGreaterThanOrEqual(stored.length);
  // The chart draws them all: the stored summaries cover every point.
  expect(drawnSeries(db, runId).series.loss?.map((p) => p.step)).toEqual([...inLog.keys()].sort((a, b) => a - b));
}

/**
 * Another program holding the database's write lock (as a `sqlite3` shell in a transaction does) for holdMs.
 * Resolves once the lock is held; `released` resolves when the program has let go and exited.
 */
export async function holdDatabaseLock(file: string, holdMs: number): Promise<{ released: Promise<void> }> {
  const script = `const db = require("better-sqlite3")(${JSON.stringify(file)}); db.exec("BEGIN EXCLUSIVE"); console.log("locked");
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ${holdMs}); db.exec("COMMIT"); db.close();`;
  const child = spawn(process.execPath, ["-e", script], { cwd: ROOT, stdio: ["ignore", "pipe", "inherit"] });
  const released = new Promise<void>((resolve, reject) => child.once("exit", (code) => (code === 0 ? resolve() : reject(new Error(`the lock holder exited ${code}`)))));
  await new Promise<void>((resolve, reject) => {
    child.stdout!.once("data", () => resolve());
    child.once("exit", () => reject(new Error("the lock holder exited before it held the lock")));
  });
  return { released };
}
