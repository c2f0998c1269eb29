/**
 * The probes behind `overseer doctor`: each asks the real thing (git, the file system, bubblewrap, nvidia-smi,
 * the workspace's Python, the Claude API) and returns facts; core/doctor judges them.
 */
import { execFile } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { buildChildEnv } from "../core/child-env";
import type { CudaFacts, DoctorFacts } from "../core/doctor";
import { GPU_QUERY_FIELDS, type GpuSample, parseGpuQuery } from "../core/gpu";
import type { Settings } from "../core/settings";
import { checkClaude } from "./claude/check";
import { queryComputeApps, queryGpus } from "./gpu";
import { probeSandbox, type SandboxProbe, sandboxedCommand } from "./sandbox";

const PROBE_TIMEOUT_MS = 60_000;

function run(argv: readonly string[], o: { cwd?: string; env?: Record<string, string> } = {}): Promise<{ ok: boolean; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(argv[0]!, argv.slice(1), { cwd: o.cwd, env: o.env as NodeJS.ProcessEnv | undefined, timeout: PROBE_TIMEOUT_MS, maxBuffer: 1 << 20 }, (err, stdout, stderr) =>
      resolve({ ok: !err, stdout: String(stdout), stderr: String(stderr) || (err ? err.message : "") }),
    );
  });
}

/** Free MiB of the file system the data folder is on (its nearest existing ancestor, before the first start). */
async function freeMbOf(dir: string): Promise<number | null> {
  let d = path.resolve(dir);
  while (!fs.existsSync(d) && path.dirname(d) !== d) d = path.dirname(d);
  try {
    const s = await fs.promises.statfs(d);
    return Math.floor((s.bavail * s.bsize) / (1024 * 1024));
  } catch {
    return null;
  }
}

/** The GPUs as a run sees them: nvidia-smi's query, inside the sandbox a run gets. */
async function gpusInSandbox(probe: SandboxProbe, nvidiaSmi: string, expected: number): Promise<{ ok: boolean; detail: string }> {
  const real = fs.existsSync(nvidiaSmi) ? fs.realpathSync(nvidiaSmi) : nvidiaSmi;
  const argv = sandboxedCommand([nvidiaSmi, `--query-gpu=${GPU_QUERY_FIELDS.join(",")}`, "--format=csv,noheader,nounits"], {
    probe,
    settings: { network: false, maxFileSizeMb: 64, maxProcesses: 64 },
    // A real nvidia-smi is under /usr, which runs read; one elsewhere (OVERSEER_NVIDIA_SMI) is mounted for the probe.
    mounts: { writable: [], readable: path.isAbsolute(real) ? [path.dirname(real)] : [] },
  });
  const r = await run(argv, { env: buildChildEnv(process.env, []) });
  const seen = r.ok ? parseGpuQuery(r.stdout).length : 0;
  if (!r.ok) return { ok: false, detail: `nvidia-smi failed inside the sandbox: ${r.stderr.trim().split("\n")[0]}` };
  return seen === expected
    ? { ok: true, detail: `nvidia-smi inside the sandbox lists ${seen} GPU${seen === 1 ? "" : "s"}, as outside` }
    : { ok: false, detail: `nvidia-smi inside the sandbox lists ${seen} GPU${seen === 1 ? "" : "s"}, outside ${expected}` };
}

/** The interpreter a workspace's command runs Python with, or null when it is not a Python workspace. */
export function pythonOf(command: readonly string[]): string[] | null {
  const first = path.basename(command[0] ?? "");
  if (/^python(\d+(\.\d+)?)?$/.test(first)) return [command[0]!];
  if (first === "uv" && command[1] === "run") return [command[0]!, "run", "python"];
  return null;
}

const TORCH_PROBE = "import json, torch; print(json.dumps({'torch': torch.__version__, 'available': torch.cuda.is_available(), 'devices': torch.cuda.device_count()}))";

/**
 * What the workspace's Python says of CUDA, run in the workspace's folder with the environment a run gets (its
 * declared variables, no secrets): the folder's code is imported, and it is not given the API key.
 */
export async function cudaFacts(python: string[], cwd: string, envNames: readonly string[]): Promise<CudaFacts> {
  const interpreter = python.join(" ");
  const r = await run([...python, "-c", TORCH_PROBE], { cwd, env: buildChildEnv(process.env, envNames) });
  if (!r.ok) return { interpreter, error: r.stderr.trim().split("\n").filter(Boolean).at(-1) ?? "it did not run" };
  try {
    const j = JSON.parse(r.stdout.trim().split("\n").at(-1) ?? "") as { torch: string; available: boolean; devices: number };
    return { interpreter, torch: String(j.torch), available: j.available === true, devices: Number(j.devices) || 0 };
  } catch {
    return { interpreter, error: `unexpected answer: ${r.stdout.trim().slice(0, 200)}` };
  }
}

/** What the caller has just probed itself (the runner, at its start), so that it is not asked twice. */
export interface KnownFacts {
  sandbox: SandboxProbe;
  /** As queryGpus answered: null when nvidia-smi is missing or failed. */
  gpus: GpuSample[] | null;
}

export async function gatherDoctorFacts(settings: Settings, workspace: { path: string; command: readonly string[]; env: readonly string[] } | null, known?: KnownFacts): Promise<DoctorFacts> {
  const nvidiaSmi = settings.gpu.nvidiaSmi;
  const [git, freeMb, sandbox, gpus, computeApps, claude] = await Promise.all([
    run(["git", "--version"]),
    freeMbOf(settings.dataDir),
    known?.sandbox ?? probeSandbox(),
    known ? known.gpus : queryGpus(nvidiaSmi),
    queryComputeApps(nvidiaSmi),
    checkClaude(settings),
  ]);
  const python = workspace ? pythonOf(workspace.command) : null;
  return {
    node: process.version,
    git: git.ok ? git.stdout.trim().split("\n")[0]! : null,
    dataDir: settings.dataDir,
    freeMb,
    minFreeMb: settings.minFreeDiskMb,
    sandbox: { kind: sandbox.kind, detail: sandbox.detail },
    gpus,
    computeApps,
    gpusInSandbox: sandbox.kind === "bubblewrap" && gpus?.length ? await gpusInSandbox(sandbox, nvidiaSmi, gpus.length) : null,
    cuda: python && workspace ? await cudaFacts(python, workspace.path, workspace.env) : null,
    claude,
  };
}
