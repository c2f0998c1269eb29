/**
 * The training run's sandbox. With bubblewrap (Debian's `bubblewrap`), a run sees the machine read-only, can
 * write only to its checkout, a cache folder and declared paths, has no network and its own process table (so
 * it cannot read the runner's environment through /proc); the GPU devices stay reachable. Resource limits
 * (file size, processes) apply with or without it. Where bubblewrap cannot run, runs go unsandboxed and the
 * runner says so (the dashboard shows it; a session may require the sandbox to run anything unattended).
 */
import { execFile } from "node:child_process";
import fs from "node:fs";

export interface SandboxSettings {
  network: boolean;
  /** Extra writable paths (absolute). */
  writable: string[];
  maxFileSizeMb: number;
  maxProcesses: number;
}

export interface SandboxProbe {
  available: boolean;
  /** What isolates runs, or why nothing does, in words for the dashboard. */
  detail: string;
}

const BWRAP = "/usr/bin/bwrap";
const PRLIMIT = "/usr/bin/prlimit";

let probed: Promise<SandboxProbe> | null = null;

/** Whether bubblewrap can make the namespaces a run needs here (once per process). */
export function probeSandbox(): Promise<SandboxProbe> {
  probed ??= new Promise((resolve) => {
    if (!fs.existsSync(BWRAP)) {
      resolve({ available: false, detail: "unavailable: bubblewrap is not installed (apt-get install bubblewrap); runs can reach the network and write anywhere you can" });
      return;
    }
    execFile(BWRAP, ["--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc", "--unshare-net", "--unshare-pid", "--die-with-parent", "true"], { timeout: 10_000 }, (err, _out, stderr) => {
      if (err) resolve({ available: false, detail: `unavailable: bubblewrap cannot create namespaces here (${(stderr || err.message).trim().split("\n")[0]}); runs can reach the network and write anywhere you can` });
      else resolve({ available: true, detail: "bubblewrap: no network, writes only to the run's checkout and cache, its own process table" });
    });
  });
  return probed;
}

/** The argv that runs `command` under the resource limits and, when available, inside bubblewrap. */
export function sandboxedCommand(command: readonly string[], o: { probe: SandboxProbe; settings: SandboxSettings; writable: string[] }): string[] {
  const limited = fs.existsSync(PRLIMIT) ? [PRLIMIT, `--fsize=${o.settings.maxFileSizeMb * 1024 * 1024}`, `--nproc=${o.settings.maxProcesses}`, "--", ...command] : [...command];
  if (!o.probe.available) return limited;
  const binds = [...o.writable, ...o.settings.writable].filter((p) => fs.existsSync(p)).flatMap((p) => ["--bind", p, p]);
  return [
    BWRAP,
    "--ro-bind", "/", "/",
    // /dev from the host: the GPUs (/dev/nvidia*) and /dev/shm, which PyTorch's data loader workers need.
    "--dev-bind", "/dev", "/dev",
    "--proc", "/proc",
    // /tmp stays as it is, read-only (a tmpfs over it would hide installs and data kept there); TMPDIR is writable.
    ...binds,
    "--unshare-pid",
    "--unshare-ipc",
    ...(o.settings.network ? [] : ["--unshare-net"]),
    // No --die-with-parent: a run outlives a runner killed with -9, and the restarted runner takes it over
    // (runner/adopt-run.ts) or stops it.
    ...limited,
  ];
}
