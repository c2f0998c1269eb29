/**
 * Stopping a run: SIGTERM to its whole process group, a grace period, then SIGKILL. `uv run` does not
 * forward signals to Python, so signalling only the direct child would leave the trainer holding the GPU.
 */
import fs from "node:fs";

/** Whether any live (non-zombie) process is in the group. Zombies count as dead: they hold nothing. */
export function groupAlive(pgid: number): boolean {
  // No process at all in the group (the usual case once a run exits) is one system call; scanning /proc
  // for zombies takes milliseconds on a busy machine.
  try {
    process.kill(-pgid, 0);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "EPERM") return false;
  }
  if (process.platform !== "linux") return true;
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const fields = procStatFields(entry);
    if (fields && Number(fields[2]) === pgid && fields[0] !== "Z" && fields[0] !== "X") return true;
  }
  return false;
}

/**
 * /proc/<pid>/stat's fields after the command name (which is in parentheses and may hold anything): state,
 * ppid, pgrp, … starttime is the 20th. Null when there is no such process (it exited while we looked).
 */
export function procStatFields(pid: number | string): string[] | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  } catch {
    return null;
  }
}

export function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "ESRCH") throw e;
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Terminates the group and resolves once no live process is left in it. */
export async function stopGroup(pgid: number, graceMs: number): Promise<void> {
  signalGroup(pgid, "SIGTERM");
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    if (!groupAlive(pgid)) return;
    await sleep(25);
  }
  signalGroup(pgid, "SIGKILL");
  for (let i = 0; i < 200 && groupAlive(pgid); i++) await sleep(25);
}
