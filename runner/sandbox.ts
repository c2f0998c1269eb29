/**
 * The training run's sandbox. With bubblewrap (Debian's `bubblewrap`), a run is denied by default: it reads the
 * system's directories (/usr, /etc, /opt, …), its interpreter's installation and the paths the workspace
 * declares, and nothing else — no $HOME, no data folder, no database, no other checkout; it writes only to its
 * checkout, a fresh home, TMPDIR and cache of its own and declared paths; it has its own /tmp, /dev/shm and
 * process table (so it cannot read the runner's environment through /proc), and no network; the GPU devices
 * stay reachable. Resource limits (file size, processes) apply with or without it. Where bubblewrap cannot run,
 * runs go unsandboxed and the runner says so (the dashboard shows it; a session may require the sandbox to run
 * anything unattended).
 */
import { execFile } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

export interface SandboxSettings {
  network: boolean;
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
      else resolve({ available: true, detail: "bubblewrap: reads only the system, its interpreter and declared data; writes only its checkout and its own home, tmp and cache; no network; its own /tmp, /dev/shm and process table" });
    });
  });
  return probed;
}

/** What a run may reach, besides the system's directories: absolute paths. */
export interface SandboxMounts {
  writable: string[];
  readable: string[];
}

/** The machine's own software and configuration: read-only to runs. Home folders, /tmp, /var, /run, /mnt are not. */
const SYSTEM_DIRS = ["/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32", "/etc", "/opt", "/sys"];
/** Files under the system's directories that hold credentials. */
const MASKED = ["/etc/shadow", "/etc/gshadow", "/etc/sudoers"];
/** Device nodes a run may use: the GPUs and their control devices. */
const GPU_DEVICE = /^(nvidia.*|dri|kfd)$/;

const underSystem = (p: string) => SYSTEM_DIRS.some((d) => p === d || p.startsWith(`${d}/`));

/**
 * The installation an interpreter runs from (/root/.pyenv for its shim, /opt/venv for /opt/venv/bin/python), by
 * the path given and the one it links to: read-only to the run, so that a Python or Node outside the system's
 * directories still starts. Nothing when it is a system one or in the checkout.
 */
export function interpreterRoots(program: string, pathVar: string, cwd: string): string[] {
  const found = program.includes("/") ? [path.resolve(cwd, program)] : pathVar.split(":").filter(Boolean).map((d) => path.join(d, program)).filter((p) => fs.existsSync(p)).slice(0, 1);
  const roots = new Set<string>();
  for (const p of found) {
    for (const q of [p, fs.existsSync(p) ? fs.realpathSync(p) : p]) {
      const dir = path.dirname(q);
      // …/bin/python and pyenv's (or asdf's) …/shims/python3: the installation is the folder above.
      const root = path.basename(dir) === "bin" || path.basename(dir) === "shims" ? path.dirname(dir) : dir;
      if (!underSystem(root) && root !== "/" && !root.startsWith(`${cwd}/`) && root !== cwd) roots.add(root);
    }
  }
  return [...roots];
}

function systemMounts(): string[] {
  const out: string[] = [];
  for (const d of SYSTEM_DIRS) {
    let st: fs.Stats;
    try {
      st = fs.lstatSync(d);
    } catch {
      continue;
    }
    if (st.isSymbolicLink()) out.push("--symlink", fs.readlinkSync(d), d);
    else if (st.isDirectory()) out.push("--ro-bind", d, d);
  }
  for (const f of MASKED) if (fs.existsSync(f)) out.push("--ro-bind", "/dev/null", f);
  return out;
}

/** The argv that runs `command` under the resource limits and, when available, inside bubblewrap. */
export function sandboxedCommand(command: readonly string[], o: { probe: SandboxProbe; settings: SandboxSettings; mounts: SandboxMounts }): string[] {
  const limited = fs.existsSync(PRLIMIT) ? [PRLIMIT, `--fsize=${o.settings.maxFileSizeMb * 1024 * 1024}`, `--nproc=${o.settings.maxProcesses}`, "--", ...command] : [...command];
  if (!o.probe.available) return limited;
  const existing = (paths: string[]) => [...new Set(paths)].filter((p) => fs.existsSync(p));
  const gpus = fs.readdirSync("/dev").filter((d) => GPU_DEVICE.test(d)).flatMap((d) => ["--dev-bind", `/dev/${d}`, `/dev/${d}`]);
  return [
    BWRAP,
    ...systemMounts(),
    // A /dev of its own (null, zero, random, a pty, a private /dev/shm) plus the GPUs.
    "--dev", "/dev",
    ...gpus,
    "--tmpfs", "/dev/shm",
    "--proc", "/proc",
    // A /tmp of its own: nothing another run or the runner left there, and nothing it leaves for the next.
    "--tmpfs", "/tmp",
    ...existing(o.mounts.readable).flatMap((p) => ["--ro-bind", p, p]),
    ...existing(o.mounts.writable).flatMap((p) => ["--bind", p, p]),
    "--unshare-pid",
    "--unshare-ipc",
    "--unshare-uts",
    ...(o.settings.network ? [] : ["--unshare-net"]),
    // No --die-with-parent: a run outlives a runner killed with -9, and the restarted runner takes it over
    // (runner/adopt-run.ts) or stops it.
    ...limited,
  ];
}
