/**
 * A control group per run, where the kernel offers one (cgroup v2, or v1's pids and memory hierarchies): its
 * process and memory limits hold when Overseer runs as root (RLIMIT_NPROC, which prlimit sets, never applies to
 * root), and every process the run started — a `setsid` daemon included — is found and stopped when it ends.
 * Where no cgroup can be made (a container without write access to /sys/fs/cgroup), runs go without and the
 * runner says so.
 */
import fs from "node:fs";
import path from "node:path";

const ROOT = "/sys/fs/cgroup";

export interface RunLimits {
  maxProcesses: number;
  /** null: no memory limit of Overseer's. */
  maxMemoryMb: number | null;
}

export interface RunCgroup {
  /** The argv that joins the group, then runs `argv` (everything it starts stays in the group). */
  wrap(argv: readonly string[]): string[];
  /** Every process still in the group. */
  pids(): number[];
  /** Whether the kernel killed a process of the group for going over its memory limit. */
  oomKilled(): boolean;
  /** Kills what is left in the group and removes it. */
  close(): Promise<void>;
}

/** How runs are contained here, in words for the dashboard. */
export function cgroupSupport(): string {
  const layout = detect();
  return layout ? `cgroup ${layout.version}: per-run process and memory limits` : "no cgroup (cannot write /sys/fs/cgroup): process limits through prlimit only, which root ignores";
}

type Layout = { version: "v2"; base: string } | { version: "v1"; pids: string; memory: string };

function writable(dir: string): boolean {
  try {
    fs.accessSync(dir, fs.constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

function detect(): Layout | null {
  const controllers = path.join(ROOT, "cgroup.controllers");
  if (fs.existsSync(controllers)) {
    const has = fs.readFileSync(controllers, "utf8").split(/\s+/);
    if (has.includes("pids") && has.includes("memory") && writable(ROOT)) return { version: "v2", base: path.join(ROOT, "overseer") };
    return null;
  }
  const pids = path.join(ROOT, "pids");
  const memory = path.join(ROOT, "memory");
  if (fs.existsSync(pids) && fs.existsSync(memory) && writable(pids) && writable(memory)) return { version: "v1", pids: path.join(pids, "overseer"), memory: path.join(memory, "overseer") };
  return null;
}

function enableV2Controllers(base: string): void {
  // A v2 group may only limit what its parent hands down: pids and memory, from the root to overseer/.
  for (const dir of [ROOT, base]) fs.writeFileSync(path.join(dir, "cgroup.subtree_control"), "+pids +memory");
}

function dirsOf(layout: Layout, name: string): string[] {
  return layout.version === "v2" ? [path.join(layout.base, name)] : [path.join(layout.pids, name), path.join(layout.memory, name)];
}

/** A group for one run, or null where none can be made (the reason is in cgroupSupport()). */
export function createRunCgroup(name: string, limits: RunLimits): RunCgroup | null {
  const layout = detect();
  if (!layout) return null;
  const dirs = dirsOf(layout, name);
  try {
    if (layout.version === "v2") {
      fs.mkdirSync(layout.base, { recursive: true });
      enableV2Controllers(layout.base);
    }
    for (const d of dirs) fs.mkdirSync(d, { recursive: true });
    fs.writeFileSync(path.join(dirs[0]!, "pids.max"), String(limits.maxProcesses));
    if (limits.maxMemoryMb !== null) fs.writeFileSync(path.join(dirs.at(-1)!, layout.version === "v2" ? "memory.max" : "memory.limit_in_bytes"), String(limits.maxMemoryMb * 1024 * 1024));
  } catch (e) {
    console.warn(`overseer: cannot make a cgroup for ${name} (${(e as Error).message}); its limits are prlimit's only`);
    return null;
  }
  return handle(layout, dirs);
}

/** The group a run left behind (its runner was killed), to stop what is in it; null when there is none. */
export function leftRunCgroup(name: string): RunCgroup | null {
  const layout = detect();
  if (!layout) return null;
  const dirs = dirsOf(layout, name).filter((d) => fs.existsSync(d));
  return dirs.length ? handle(layout, dirs) : null;
}

function handle(layout: Layout, dirs: string[]): RunCgroup {
  const procs = (dir: string) => {
    try {
      return fs.readFileSync(path.join(dir, "cgroup.procs"), "utf8").split("\n").filter(Boolean).map(Number);
    } catch {
      return [];
    }
  };
  return {
    // The shell joins every group before anything of the run exists, so nothing can fork outside them.
    wrap: (argv) => ["/bin/sh", "-c", 'for d in "$@"; do [ "$d" = -- ] && break; echo $$ > "$d/cgroup.procs" || exit 125; shift; done; shift; exec "$@"', "overseer-cgroup", ...dirs, "--", ...argv],
    pids: () => [...new Set(dirs.flatMap(procs))],
    oomKilled: () => {
      const events = layout.version === "v2" ? path.join(dirs.at(-1)!, "memory.events") : path.join(dirs.at(-1)!, "memory.oom_control");
      try {
        return /\boom_kill [1-9]/.test(fs.readFileSync(events, "utf8"));
      } catch {
        return false;
      }
    },
    close: async () => {
      for (let i = 0; i < 100; i++) {
        const left = [...new Set(dirs.flatMap(procs))];
        if (!left.length) break;
        for (const pid of left) {
          try {
            process.kill(pid, "SIGKILL");
          } catch {
            // gone already
          }
        }
        await new Promise((r) => setTimeout(r, 20));
      }
      for (const d of dirs) {
        try {
          fs.rmdirSync(d);
        } catch (e) {
          console.warn(`overseer: cannot remove the cgroup ${d}: ${(e as Error).message}`);
        }
      }
    },
  };
}
