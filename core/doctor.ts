/**
 * `overseer doctor`: what the runner found on this machine, judged. The probes (runner/doctor.ts) gather facts;
 * this turns them into one line per check with what to do about it, so the judgement has table tests.
 */
import type { ClaudeStatus } from "./claude/status";
import type { ComputeApp, GpuSample } from "./gpu";

export type CheckStatus = "ok" | "warn" | "fail" | "not checked";

export interface DoctorCheck {
  name: string;
  status: CheckStatus;
  detail: string;
  /** What to do, when the status is not ok. */
  fix?: string;
}

/** What a workspace's Python sees of CUDA: torch's answer, or why it could not be asked. */
export type CudaFacts = { interpreter: string; torch: string; available: boolean; devices: number } | { interpreter: string; error: string };

export interface DoctorFacts {
  /** process.version, e.g. "v20.11.1". */
  node: string;
  /** The first line of `git --version`, or null when git did not run. */
  git: string | null;
  dataDir: string;
  /** Free space in the data folder's file system (MiB), or null when it could not be read. */
  freeMb: number | null;
  minFreeMb: number;
  sandbox: { kind: "bubblewrap" | "uid" | "none"; detail: string };
  /** nvidia-smi's answer (null: it is missing or failed) and what already holds GPU memory. */
  gpus: GpuSample[] | null;
  computeApps: ComputeApp[];
  /** Whether `nvidia-smi -L` inside a run's sandbox lists the GPUs: null where that was not tried. */
  gpusInSandbox: { ok: boolean; detail: string } | null;
  /** Null when no Python workspace was named. */
  cuda: CudaFacts | null;
  claude: ClaudeStatus;
}

const MIN_NODE = [20, 11] as const;
/** The oldest git these tests ran on is far newer; below this, worktree and update-ref options may be missing. */
const MIN_GIT = [2, 30] as const;

const versionOf = (text: string): [number, number] | null => {
  const m = /(\d+)\.(\d+)/.exec(text);
  return m ? [Number(m[1]), Number(m[2])] : null;
};
const atLeast = (v: [number, number], min: readonly [number, number]) => v[0] > min[0] || (v[0] === min[0] && v[1] >= min[1]);

export function doctorChecks(f: DoctorFacts): DoctorCheck[] {
  const checks: DoctorCheck[] = [];
  const node = versionOf(f.node);
  checks.push(
    node && atLeast(node, MIN_NODE) ? { name: "node", status: "ok", detail: f.node } : { name: "node", status: "fail", detail: f.node, fix: `Overseer needs Node ${MIN_NODE.join(".")} or newer` },
  );
  const git = f.git ? versionOf(f.git) : null;
  checks.push(
    !f.git
      ? { name: "git", status: "fail", detail: "git did not run", fix: "install git (apt-get install git): every experiment is a commit" }
      : git && atLeast(git, MIN_GIT)
        ? { name: "git", status: "ok", detail: f.git }
        : { name: "git", status: "warn", detail: f.git, fix: `git ${MIN_GIT.join(".")} or newer is what Overseer is tested with` },
  );
  checks.push(
    f.freeMb === null
      ? { name: "disk", status: "warn", detail: `the free space of ${f.dataDir} could not be read`, fix: "check that the data folder (OVERSEER_DATA_DIR) exists and is readable" }
      : f.freeMb < f.minFreeMb
        ? {
            name: "disk",
            status: "fail",
            detail: `${f.freeMb} MiB free for ${f.dataDir}, under the ${f.minFreeMb} MiB runs wait for`,
            fix: "free space there, or point OVERSEER_DATA_DIR at a larger disk",
          }
        : { name: "disk", status: "ok", detail: `${f.freeMb} MiB free for ${f.dataDir}` },
  );
  checks.push(
    f.sandbox.kind === "bubblewrap"
      ? { name: "sandbox", status: "ok", detail: f.sandbox.detail }
      : {
          name: "sandbox",
          status: "warn",
          detail: f.sandbox.detail,
          fix: "install bubblewrap (apt-get install bubblewrap) and allow unprivileged user namespaces: sessions that require the sandbox will not run",
        },
  );
  if (f.gpus === null || f.gpus.length === 0) {
    checks.push({ name: "gpu", status: "warn", detail: "nvidia-smi did not answer: runs go on the CPU", fix: "install the NVIDIA driver, or set OVERSEER_NVIDIA_SMI to its nvidia-smi" });
  } else {
    for (const g of f.gpus) {
      const holders = f.computeApps.filter((a) => a.gpuUuid === g.uuid);
      const held = holders.length ? `; held by pid ${holders.map((a) => `${a.pid}${a.usedMb !== null ? ` (${a.usedMb} MiB)` : ""}`).join(", ")}` : "";
      const base = `${g.name}, driver ${g.driver}, ${g.memoryUsedMb} of ${g.memoryTotalMb} MiB used${held}`;
      checks.push(
        holders.length > 0
          ? { name: `gpu ${g.index}`, status: "warn", detail: base, fix: "another process holds memory on it: a run there may run out of memory, or wait for it" }
          : { name: `gpu ${g.index}`, status: "ok", detail: base },
      );
    }
  }
  checks.push(
    f.gpusInSandbox === null
      ? { name: "gpu in sandbox", status: "not checked", detail: f.gpus?.length ? "runs are not sandboxed with bubblewrap" : "no GPU to look for" }
      : f.gpusInSandbox.ok
        ? { name: "gpu in sandbox", status: "ok", detail: f.gpusInSandbox.detail }
        : { name: "gpu in sandbox", status: "fail", detail: f.gpusInSandbox.detail, fix: "runs will not see the GPU: check the /dev/nvidia* devices and the driver's libraries under /usr" },
  );
  if (f.cuda) {
    const c = f.cuda;
    checks.push(
      "error" in c
        ? { name: "cuda", status: "fail", detail: `${c.interpreter}: ${c.error}`, fix: "install PyTorch for this interpreter (the workspace's command runs with it)" }
        : c.available && c.devices > 0
          ? { name: "cuda", status: "ok", detail: `${c.interpreter}: torch ${c.torch}, ${c.devices} CUDA device${c.devices === 1 ? "" : "s"}` }
          : {
              name: "cuda",
              status: f.gpus?.length ? "fail" : "warn",
              detail: `${c.interpreter}: torch ${c.torch} sees no CUDA device`,
              fix: f.gpus?.length ? "this torch is a CPU build, or does not match the driver: install a CUDA build" : "no GPU here: the workspace trains on the CPU, if it can",
            },
    );
  }
  const cl = f.claude;
  checks.push(
    !cl.configured
      ? { name: "claude", status: "not checked", detail: "no ANTHROPIC_API_KEY: the offline proposers (mutate, manual) work without one" }
      : !cl.ok
        ? { name: "claude", status: "fail", detail: `${cl.model}: ${cl.error}`, fix: "check ANTHROPIC_API_KEY (the environment, .env.local or .env)" }
        : cl.models === null
          ? { name: "claude", status: "not checked", detail: `${cl.model}: ${cl.note ?? "the Models API could not be asked"}` }
          : cl.note
            ? { name: "claude", status: "warn", detail: `${cl.model}: ${cl.note}`, fix: "set OVERSEER_CLAUDE_MODEL to a model the key may use" }
            : { name: "claude", status: "ok", detail: `${cl.model}: the key works and may use it` },
  );
  return checks;
}

/** 1 when anything failed, for scripts; warnings do not fail. */
export const doctorExitCode = (checks: readonly DoctorCheck[]) => (checks.some((c) => c.status === "fail") ? 1 : 0);

export function formatDoctor(checks: readonly DoctorCheck[]): string {
  const width = Math.max(...checks.map((c) => c.name.length));
  const mark: Record<CheckStatus, string> = { ok: "ok  ", warn: "warn", fail: "FAIL", "not checked": "--  " };
  return checks.map((c) => `${mark[c.status]}  ${c.name.padEnd(width)}  ${c.detail}${c.fix ? `\n      ${"".padEnd(width)}  → ${c.fix}` : ""}`).join("\n");
}
