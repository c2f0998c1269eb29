/**
 * Another program holding the database's write lock, as a `sqlite3` shell left in a transaction or a backup
 * does: a separate process that takes BEGIN IMMEDIATE `holds` times, for holdMs each, gapMs apart.
 */
import { spawn } from "node:child_process";
import { ROOT } from "./temp";

const SCRIPT = `
const Database = require("better-sqlite3");
const [file, holds, holdMs, gapMs] = process.argv.slice(1);
const db = new Database(file);
db.pragma("busy_timeout = 60000");
const sleep = (ms) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
for (let i = 0; i < Number(holds); i++) {
  db.exec("BEGIN IMMEDIATE");
  process.stdout.write("held\\n");
  sleep(Number(holdMs));
  db.exec("COMMIT");
  sleep(Number(gapMs));
}
db.close();
`;

export function holdWriteLock(dbFile: string, o: { holds: number; holdMs: number; gapMs: number }): { done: Promise<number>; held: () => number } {
  let held = 0;
  const child = spawn(process.execPath, ["-e", SCRIPT, dbFile, String(o.holds), String(o.holdMs), String(o.gapMs)], {
    cwd: ROOT,
    stdio: ["ignore", "pipe", "inherit"],
  });
  child.stdout.on("data", (b: Buffer) => (held += b.toString().split("held").length - 1));
  const done = new Promise<number>((resolve) => child.once("exit", (code) => resolve(code ?? -1)));
  return { done, held: () => held };
}
