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
  /** Whether runs are sandboxed (bubblewrap): what `requireSandbox` asks for. */
  available: boolean;
  /** What isolates runs: bubblewrap; where it cannot run and Overseer is root, a separate unprivileged user; or nothing. */
  kind: "bubblewrap" | "uid" | "none";
  /** The user runs are started as, for kind "uid". */
  uid?: number;
  /** What isolates runs, or why nothing does, in words for the dashboard. */
  detail: string;
}

const BWRAP = "/usr/bin/bwrap";
const PRLIMIT = "/usr/bin/prlimit";
const SETPRIV = "/usr/bin/setpriv";
/** nobody: the unprivileged user runs are started as where bubblewrap cannot run. */
const NOBODY = 65534;

let probed: Promise<SandboxProbe> | null = null;

/**
 * How runs are isolated here (once per process). OVERSEER_ISOLATION chooses: auto (the default: bubblewrap,
 * else a separate user when Overseer is root, else nothing), bubblewrap, uid or none.
 */
export function probeSandbox(): Promise<SandboxProbe> {
  probed ??= new Promise((resolve) => {
    const mode = process.env.OVERSEER_ISOLATION ?? "auto";
    const none = (why: string): SandboxProbe => ({ available: false, kind: "none", detail: `unavailable: ${why}; runs can reach the network and write anywhere you can` });
    if (!["auto", "bubblewrap", "uid", "none"].includes(mode)) return resolve(none(`OVERSEER_ISOLATION=${mode} is not one of auto, bubblewrap, uid, none`));
    if (mode === "none") return resolve(none("OVERSEER_ISOLATION=none"));
    const fallback = (why: string) => resolve(mode === "auto" || mode === "uid" ? separateUser(why) : none(why));
    if (mode === "uid") return fallback("OVERSEER_ISOLATION=uid");
    if (!fs.existsSync(BWRAP)) return fallback("bubblewrap is not installed (apt-get install bubblewrap)");
    execFile(
      BWRAP,
      ["--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc", "--unshare-user", "--unshare-net", "--unshare-pid", "--die-with-parent", "true"],
      { timeout: 10_000 },
      (err, _out, stderr) => {
        if (err) fallback(`bubblewrap cannot create namespaces here (${(stderr || err.message).trim().split("\n")[0]})`);
        else
          resolve({
            available: true,
            kind: "bubblewrap",
            detail:
              "bubblewrap: reads only the system, its interpreter and declared data; writes only its checkout and its own home, tmp and cache; no network; its own /tmp, /dev/shm and process table",
          });
      },
    );
  });
  return probed;
}

/** The closest isolation without namespaces: runs as nobody, which root can start them as. */
function separateUser(why: string): SandboxProbe {
  const tail = "runs can reach the network and write anywhere you can";
  if (process.getuid?.() !== 0) return { available: false, kind: "none", detail: `unavailable: ${why}, and Overseer does not run as root to start runs as another user; ${tail}` };
  if (!fs.existsSync(SETPRIV)) return { available: false, kind: "none", detail: `unavailable: ${why}, and setpriv (util-linux) is missing; ${tail}` };
  return {
    available: false,
    kind: "uid",
    uid: NOBODY,
    detail: `unavailable: ${why}; runs start as the user nobody (uid ${NOBODY}) instead, so they cannot read your home, Overseer's database and logs, nor write your workspace, but they can reach the network, /dev/shm and what any user may read`,
  };
}

/** What a run may reach, besides the system's directories: absolute paths. */
export interface SandboxMounts {
  writable: string[];
  readable: string[];
  /** Paths inside the others that stay out of reach (an evaluation's held-out data): empty in the sandbox. */
  hidden?: string[];
  /** Paths inside writable ones that stay read-only (a checkout's .git file). */
  readonly?: string[];
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
  const found = program.includes("/")
    ? [path.resolve(cwd, program)]
    : pathVar
        .split(":")
        .filter(Boolean)
        .map((d) => path.join(d, program))
        .filter((p) => fs.existsSync(p))
        .slice(0, 1);
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
  if (o.probe.kind === "uid") return [SETPRIV, `--reuid=${o.probe.uid}`, `--regid=${o.probe.uid}`, "--clear-groups", "--", ...limited];
  if (!o.probe.available) return limited;
  const existing = (paths: string[]) => [...new Set(paths)].filter((p) => fs.existsSync(p));
  const gpus = fs
    .readdirSync("/dev")
    .filter((d) => GPU_DEVICE.test(d))
    .flatMap((d) => ["--dev-bind", `/dev/${d}`, `/dev/${d}`]);
  return [
    BWRAP,
    ...systemMounts(),
    // A /dev of its own (null, zero, random, a pty, a private /dev/shm) plus the GPUs.
    "--dev",
    "/dev",
    ...gpus,
    "--tmpfs",
    "/dev/shm",
    "--proc",
    "/proc",
    // A /tmp of its own: nothing another run or the runner left there, and nothing it leaves for the next.
    "--tmpfs",
    "/tmp",
    ...existing(o.mounts.readable).flatMap((p) => ["--ro-bind", p, p]),
    ...existing(o.mounts.writable).flatMap((p) => ["--bind", p, p]),
    ...existing(o.mounts.readonly ?? []).flatMap((p) => ["--ro-bind", p, p]),
    // After the binds they lie in: a hidden folder is an empty one, a hidden file cannot be opened (a device node where devices are off).
    ...hiddenMounts(o.mounts),
    // Root inside is root outside, with every capability, unless they are dropped: it could unmount what hides
    // the held-out data, remount the system's folders writable, or make device nodes.
    "--cap-drop",
    "ALL",
    // A user namespace of its own: no kernel keyring (nor anything else kept per user) shared with other runs,
    // the model servers included.
    "--unshare-user",
    "--unshare-pid",
    "--unshare-ipc",
    "--unshare-uts",
    ...(o.settings.network ? [] : ["--unshare-net"]),
    // No --die-with-parent: a run outlives a runner killed with -9, and the restarted runner takes it over
    // (runner/adopt-run.ts) or stops it.
    ...limited,
  ];
}

function hiddenMounts(m: SandboxMounts): string[] {
  const within = (p: string, roots: string[]) => roots.some((r) => p === r || p.startsWith(`${r}/`));
  const out: string[] = [];
  // Under the name it was declared by and the one it resolves to: a folder mounted by either shows it.
  const real = (p: string) => {
    try {
      return [p, fs.realpathSync(p)];
    } catch {
      return [];
    }
  };
  for (const p of new Set((m.hidden ?? []).flatMap(real))) {
    let st: fs.Stats;
    try {
      st = fs.statSync(p);
    } catch {
      continue;
    }
    // A path outside everything mounted is not there to hide.
    if (!within(p, [...m.readable, ...m.writable]) && !underSystem(p)) continue;
    out.push(...(st.isDirectory() ? ["--tmpfs", p] : ["--ro-bind", "/dev/null", p]));
  }
  return out;
}

/**
 * For a run started as another user (kind "uid"): its checkout and scratch become its own, and Overseer's data
 * folder is closed to it: folders it must pass through can be entered but not listed, the database and logs are
 * root's alone.
 */
export function handOver(probe: SandboxProbe, o: { dataDir: string; dbFile: string; runDir: string; logFile: string; own: string[] }): void {
  if (probe.kind !== "uid") return;
  for (const d of [o.dataDir, path.dirname(o.runDir), o.runDir, path.join(o.dataDir, "worktrees")]) if (fs.existsSync(d)) fs.chmodSync(d, 0o711);
  if (!fs.existsSync(o.logFile)) fs.writeFileSync(o.logFile, "");
  for (const f of [o.dbFile, `${o.dbFile}-wal`, `${o.dbFile}-shm`, o.logFile]) if (fs.existsSync(f)) fs.chmodSync(f, 0o600);
  for (const p of o.own) chownTree(p, probe.uid!);
}

/** Gives a tree back to root (a checkout the evaluation must only read). */
export function takeBack(probe: SandboxProbe, paths: string[]): void {
  if (probe.kind === "uid") for (const p of paths) chownTree(p, 0);
}

function chownTree(p: string, uid: number): void {
  if (!fs.existsSync(p)) return;
  fs.lchownSync(p, uid, uid);
  if (fs.lstatSync(p).isDirectory()) for (const e of fs.readdirSync(p)) chownTree(path.join(p, e), uid);
}
