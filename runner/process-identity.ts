/**
 * A process's identity beyond its pid: the machine's boot and the process's start time (Linux /proc), recorded
 * with every pid Overseer stores. A bare pid lies three ways: a dead process is a zombie until its parent reaps
 * it (kill(pid, 0) still succeeds), a pid is reused by an unrelated process, and after a reboot every stored pid
 * names someone else. Where /proc is not there, the identity is null and the bare pid is all there is.
 */
import fs from "node:fs";
import os from "node:os";
import { groupAlive, procStatFields } from "./process-group";

let boot: string | null | undefined;
function bootId(): string | null {
  if (boot === undefined) {
    try {
      boot = fs.readFileSync("/proc/sys/kernel/random/boot_id", "utf8").trim();
    } catch {
      boot = null;
    }
  }
  return boot;
}

/** State and start time (clock ticks since boot) of a process, or null when there is none. */
function statOf(pid: number): { state: string; start: string } | null {
  const fields = procStatFields(pid);
  return fields ? { state: fields[0]!, start: fields[19]! } : null;
}

/** "<boot id>:<start time>" of a live process, or null (no such process, or no /proc). */
export function processIdentity(pid: number): string | null {
  const b = bootId();
  const st = statOf(pid);
  return b && st ? `${b}:${st.start}` : null;
}

/** Whether the process recorded as (pid, identity) is alive: not a zombie, and not another process with its pid. */
export function sameProcessAlive(pid: number, identity: string | null): boolean {
  if (identity === null || bootId() === null) {
    try {
      process.kill(pid, 0);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EPERM") return false;
    }
    const st = statOf(pid);
    return st === null ? process.platform !== "linux" : st.state !== "Z" && st.state !== "X";
  }
  const st = statOf(pid);
  return st !== null && st.state !== "Z" && st.state !== "X" && `${bootId()}:${st.start}` === identity;
}

/**
 * Whether a live process is left in the group that the process recorded as (pid, identity) led. The group is
 * not ours after a reboot, nor when its pid now names another process (a pid is not reused while its group has
 * members, so a leader gone with members left is still our group).
 */
export function ownGroupAlive(pgid: number, identity: string | null): boolean {
  if (identity !== null && bootId() !== null) {
    if (!identity.startsWith(`${bootId()}:`)) return false;
    const leader = statOf(pgid);
    if (leader !== null && `${bootId()}:${leader.start}` !== identity) return false;
  }
  return groupAlive(pgid);
}

/** This process as a run's driver: "<host>:<pid>:<identity>". */
export function selfDriver(): string {
  return `${os.hostname()}:${process.pid}:${processIdentity(process.pid) ?? ""}`;
}

/** Whether a run's driver lives. One on another machine cannot be checked from here and counts as alive. */
export function driverAlive(driver: string): boolean {
  const d = parseDriver(driver);
  if (!d) return false;
  if (d.host !== os.hostname()) return true;
  return sameProcessAlive(d.pid, d.identity);
}

/** "<host>:<pid>:<identity>" apart; the identity holds colons of its own, a host name none. */
function parseDriver(driver: string): { host: string; pid: number; identity: string | null } | null {
  const m = /^([^:]*):(\d+):(.*)$/.exec(driver);
  return m ? { host: m[1]!, pid: Number(m[2]), identity: m[3] || null } : null;
}

/** "pid 123 on gpu-box", for messages about a driver. */
export function describeDriver(driver: string): string {
  const d = parseDriver(driver);
  return d ? `pid ${d.pid} on ${d.host}` : driver;
}
