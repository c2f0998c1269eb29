import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fakeNvidiaSmi } from "../test/helpers/fake-nvidia-smi";
import { describe, expect, it } from "vitest";
import { describePending, JobGpuReader, jobScript, parseScontrolJob, phaseOf, sbatchArgs, sbatchFlagProblem, shellQuote, slurmJobOf, slurmSeconds } from "./slurm-job";

describe("jobScript", () => {
  it("execs the command with only the given environment, in the checkout, every word quoted", () => {
    const script = jobScript({ runId: 7, command: ["python3", "train.py", "it's $HOME"], cwd: "/shared/run 7", env: { PATH: "/usr/bin:/bin", NOTE: "a 'b' $c" } });
    expect(script.split("\n")).toEqual([
      "#!/bin/sh",
      "# Overseer run 7, generated: the trainer is exec'd so that scancel's SIGTERM reaches it.",
      "cd '/shared/run 7' || exit 97",
      `exec env -i PATH='/usr/bin:/bin' NOTE='a '\\''b'\\'' $c' CUDA_VISIBLE_DEVICES="$CUDA_VISIBLE_DEVICES" SLURM_JOB_ID="$SLURM_JOB_ID" 'python3' 'train.py' 'it'\\''s $HOME'`,
      "",
    ]);
  });

  it("refuses what sh would read as something else", () => {
    expect(() => jobScript({ runId: 1, command: [], cwd: "/x", env: {} })).toThrow("needs a command");
    expect(() => jobScript({ runId: 1, command: ["x"], cwd: "/x", env: { "A;rm -rf /": "1" } })).toThrow("cannot be passed");
  });

  it("quotes so that sh gives back each word exactly", () => {
    for (const word of ["plain", "it's", "$(touch /tmp/pwned)", "`id`", 'a"b', "new\nline", "back\\slash", ""]) {
      expect(execFileSync("sh", ["-c", `printf %s ${shellQuote(word)}`], { encoding: "utf8" })).toBe(word);
    }
  });
});

describe("GPU telemetry from inside a job", () => {
  /** Runs the job script's own lines with sh, as Slurm would, with the fake nvidia-smi (two GPUs) on the node. */
  function runScript(visible: string, nvidiaSmi: string): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "job-gpu-"));
    const smi = fakeNvidiaSmi(
      dir,
      [0, 1].map((i) => ({ name: `GPU model ${i}`, memoryTotalMb: 81559, memoryUsedMb: 1000 * (i + 1) })),
    );
    const file = path.join(dir, "gpu.csv");
    const script = jobScript({
      runId: 1,
      command: ["sleep", "1.2"],
      cwd: dir,
      env: { PATH: process.env.PATH! },
      gpuSamples: { file, nvidiaSmi: nvidiaSmi === "fake" ? smi.bin : nvidiaSmi, everyMs: 200 },
    });
    execFileSync("sh", ["-c", script], { env: { ...process.env, CUDA_VISIBLE_DEVICES: visible } });
    // On a node Slurm ends the looping sampler with the job; here the test does.
    for (const pid of smi.pids()) process.kill(pid, "SIGKILL");
    return fs.readFileSync(file, "utf8");
  }

  it("samples the job's GPUs on its node into the side file, and the reader keeps the job's first GPU", () => {
    const text = runScript("1", "fake");
    expect(text.split("\n")[0]).toBe("# CUDA_VISIBLE_DEVICES=1");
    const reader = new JobGpuReader();
    // Fed in pieces, as a follower reads a growing file.
    const samples = [...reader.feed(text.slice(0, 37)), ...reader.feed(text.slice(37))];
    expect(samples.length).toBeGreaterThanOrEqual(3);
    for (const g of samples) expect(g).toMatchObject({ index: 1, name: "GPU model 1", memoryUsedMb: 2000 });
    expect(reader.note).toBeNull();
  });

  it("says why there are none: no GPU given, or no nvidia-smi on the node", () => {
    const none = new JobGpuReader();
    expect(none.feed(runScript("", "fake"))).toEqual([]);
    expect(none.note).toBe("no GPU: CUDA_VISIBLE_DEVICES is empty");
    const missing = new JobGpuReader();
    expect(missing.feed(runScript("0", "/nonexistent/nvidia-smi"))).toEqual([]);
    expect(missing.note).toBe("no nvidia-smi on this node");
  });

  it("does not take GPUs named by UUID for indices", () => {
    const reader = new JobGpuReader();
    expect(reader.feed("# CUDA_VISIBLE_DEVICES=GPU-1234\n0, GPU-x, H100, 550, 81559, 10, 5, 70\n")).toEqual([]);
    expect(reader.note).toContain("not by index");
  });
});

describe("sbatchArgs", () => {
  const base = { runId: 12, script: "/data/runs/12/job.sh", logFile: "/data/runs/12/run.log", timeoutSeconds: 600, graceSeconds: 5, gpus: 0, slurm: {} };
  it.each([
    ["no GPU, no options", base, ["--time=12"], ["--gres"]],
    ["GPUs as GRES", { ...base, gpus: 2 }, ["--gres=gpu:2"], []],
    ["a short timeout still gets whole minutes past it", { ...base, timeoutSeconds: 10 }, ["--time=2"], []],
    [
      "partition, account, QoS and extra flags",
      { ...base, slurm: { partition: "gpu", account: "lab", qos: "short", extraArgs: ["--constraint=a100"] } },
      ["--partition=gpu", "--account=lab", "--qos=short", "--constraint=a100"],
      [],
    ],
  ])("%s", (_name, o, has, lacks) => {
    const args = sbatchArgs(o);
    const extra: readonly string[] = (o.slurm as { extraArgs?: string[] }).extraArgs ?? [];
    expect(args.filter((a) => !extra.includes(a)).slice(0, 6)).toEqual([
      "--parsable",
      "--export=NONE",
      "--job-name=overseer-run-12",
      "--comment=overseer-run-12",
      "--output=/data/runs/12/run.log",
      "--open-mode=append",
    ]);
    expect(args.at(-1)).toBe("/data/runs/12/job.sh");
    for (const a of has) expect(args).toContain(a);
    for (const a of lacks) expect(args.some((x) => x.startsWith(a))).toBe(false);
  });
});

describe("sbatchFlagProblem: extra flags may not undo what Overseer's guarantees rest on", () => {
  // Attacks on the flags from overseer.json, as someone who read sbatch's option parser (getopt_long) would write
  // them: a unique prefix of a long option is that option, short options take attached values and bundle, an
  // option that takes a value takes the next word whatever it is (Overseer's own flags follow the extra ones).
  it.each([
    ["a long option's prefix", "--exp=ALL"],
    ["another prefix", "--expo=ALL"],
    ["the environment from a file", "--export-file=/tmp/env"],
    ["the login environment", "--get-user-env"],
    ["the log elsewhere, by prefix", "--out=/tmp/x"],
    ["the log elsewhere, by short option and attached value", "-o/tmp/x"],
    ["a short option bundled behind a flag", "-Ho/tmp/x"],
    ["stderr elsewhere", "-e/tmp/err"],
    ["stderr by prefix", "--err=/tmp/err"],
    ["stdin from a file", "--input=/etc/shadow"],
    ["the log truncated under the follower", "--open=truncate"],
    ["another run's comment", "--comm=overseer-run-1"],
    ["another run's name", "-Jovers"],
    ["the job's folder", "--ch=/"],
    ["the job's folder, short", "-D/"],
    ["a command instead of the script", "--wr=id"],
    ["many jobs for one run", "--array=1-3"],
    ["many jobs, short", "-a1-3"],
    ["a job on another cluster, out of scontrol's sight", "--clusters=other"],
    ["another cluster, short", "-Mother"],
    ["sbatch waits for the end (and is killed by its own timeout)", "--wait"],
    ["sbatch waits, short", "-W"],
    ["no job at all", "--test-only"],
    ["more GPUs than the slots count", "--gres=gpu:8"],
    ["more GPUs, another way", "--gpus=8"],
    ["more GPUs, short", "-G8"],
    ["more GPUs per node", "--gpus-per-node=8"],
    ["the time limit the runner's timeout sits behind", "--time=1"],
    ["the time limit, short", "-t1"],
    ["a requeue that would train twice into one log", "--requeue"],
    ["a value-taking option without its value: it would take Overseer's --export=NONE as its value", "--constraint"],
    ["the same, short", "-C"],
    ["an unknown short option", "-Z"],
    ["the end of the options", "--"],
    ["not a flag", "constraint=a100"],
    ["a word sbatch would read as the script", "/tmp/evil.sh"],
    // Found by an attacker session that read Slurm 22.05.8's source (sbatch.c, gres.c, backfill.c, proc_args.c).
    ["any file copied into the job script, before the exec", "--bbf=/root/.ssh/id_rsa"],
    ["every GPU of the node", "--exclusive"],
    ["GPUs per node times two nodes", "-N2"],
    ["the same, long", "--nodes=2"],
    ["tasks spread over nodes", "--ntasks=2"],
    ["GPUs made from tasks when no --gres is given", "--ntasks-per-gpu=1"],
    ["the same through TRES", "--ntasks-per-tres=1"],
    ["a shorter time limit from the backfill scheduler", "--time-min=1"],
    ["its prefix", "--time-m=1"],
    ["a signal to the trainer long before the end", "--signal=B:KILL@65535"],
    ["a node file: sbatch reads stdin", "-F/dev/stdin"],
    ["a node list from a file", "-w/dev/stdin"],
    ["excluded nodes from a file", "--exclude=/dev/stdin"],
    ["the same, short", "-x/etc/hosts"],
    ["a TRES per task (sbatch after 22.05)", "--tres-per-task=gres/gpu:8"],
    ["a container runtime", "--container=/some/bundle"],
    ["a burst buffer", "--bb=capacity=1G"],
    ["a case-changed name", "--Export=ALL"],
  ])("refuses %s: %s", (_name, flag) => {
    expect(sbatchFlagProblem(flag)).toEqual(expect.any(String));
    expect(() => sbatchArgs({ runId: 1, script: "/j.sh", logFile: "/l", timeoutSeconds: 60, graceSeconds: 5, gpus: 1, slurm: { extraArgs: [flag] } })).toThrow(flag);
  });

  it.each([
    "--constraint=a100",
    "--hold",
    "--mem=32G",
    "-Cv100",
    "--exclude=node3",
    "-xnode3",
    "--nice=10",
    "--nice",
    "--reservation=lab",
    "-H",
    "--cpus-per-task=8",
    "-c8",
    "--mail-type=END",
    "--mem-per-gpu=40G",
  ])("takes %s", (flag) => {
    expect(sbatchFlagProblem(flag)).toBeNull();
  });

  it("puts Overseer's own flags after the extra ones, so that where sbatch takes the last of a repeated option, Overseer's wins", () => {
    const args = sbatchArgs({ runId: 3, script: "/j.sh", logFile: "/l", timeoutSeconds: 60, graceSeconds: 5, gpus: 1, slurm: { extraArgs: ["--hold"] } });
    expect(args.indexOf("--hold")).toBeLessThan(args.indexOf("--export=NONE"));
    expect(args).toContain("--no-requeue");
    expect(args.slice(args.indexOf("--export=NONE"))).toEqual(expect.arrayContaining(["--nodes=1", "--ntasks=1"]));
  });
});

describe("parseScontrolJob", () => {
  const line = (fields: string) => `JobId=5 JobName=overseer-run-3 UserId=root(0) Priority=1 ${fields} Comment=overseer-run-3 StdOut=/tmp/x y.log`;
  it.each([
    ["pending for resources", "JobState=PENDING Reason=Resources ExitCode=0:0", { state: "PENDING", phase: "pending", reason: "Resources", exitCode: 0, signal: 0 }],
    ["held", "JobState=PENDING Reason=JobHeldUser ExitCode=0:0", { phase: "pending", reason: "JobHeldUser" }],
    ["running", "JobState=RUNNING Reason=None ExitCode=0:0", { phase: "running", reason: null }],
    ["completing is not ended yet", "JobState=COMPLETING Reason=None ExitCode=0:0", { phase: "running" }],
    ["failed with its exit code", "JobState=FAILED Reason=NonZeroExitCode ExitCode=3:0", { phase: "ended", exitCode: 3, signal: 0 }],
    ["killed by a signal", "JobState=CANCELLED Reason=None ExitCode=0:15", { phase: "ended", exitCode: 0, signal: 15 }],
    ["at Slurm's time limit", "JobState=TIMEOUT Reason=TimeLimit ExitCode=0:1", { phase: "ended", reason: "TimeLimit" }],
    ["out of memory", "JobState=OUT_OF_MEMORY Reason=OutOfMemory ExitCode=0:125", { phase: "ended" }],
  ])("%s", (_name, fields, expected) => {
    expect(parseScontrolJob(line(fields))).toMatchObject({ comment: "overseer-run-3", ...expected });
  });

  it("reads how long the job has run", () => {
    expect(parseScontrolJob(line("JobState=RUNNING RunTime=00:01:05 TimeLimit=00:12:00"))?.runSeconds).toBe(65);
    expect(parseScontrolJob(line("JobState=PENDING RunTime=00:00:00"))?.runSeconds).toBe(0);
    expect(parseScontrolJob(line("JobState=RUNNING"))?.runSeconds).toBeNull();
  });

  it.each([
    ["00:00:07", 7],
    ["01:02:03", 3723],
    ["2-00:00:01", 172801],
    ["05:09", 309],
    ["INVALID", null],
    ["UNLIMITED", null],
  ])("reads Slurm's duration %s", (text, seconds) => {
    expect(slurmSeconds(text)).toBe(seconds);
  });

  it("says nothing for a line without a job", () => {
    expect(parseScontrolJob("slurm_load_jobs error: Invalid job id specified")).toBeNull();
    expect(parseScontrolJob("")).toBeNull();
  });

  it("reads the first of a repeated key (a later field's value may hold Key=Value text)", () => {
    expect(parseScontrolJob("JobId=1 JobState=RUNNING Command=/x/run.sh JobState=FAKE")?.state).toBe("RUNNING");
  });
});

describe("phases and words", () => {
  it("treats a state it does not know as running: the job is watched, and timed out, rather than left loose", () => {
    expect(phaseOf("SOMETHING_NEW")).toBe("running");
  });
  it("says why a run waits on the cluster", () => {
    expect(describePending("QOSMaxJobsPerUser")).toBe("queued on the cluster: QOSMaxJobsPerUser");
    expect(describePending(null)).toBe("queued on the cluster: waiting to be scheduled");
  });
});

describe("slurmJobOf", () => {
  it.each([
    [null, null],
    ['{"backend":"slurm","jobId":"42"}', "42"],
    ['{"backend":"local"}', null],
    ['{"backend":"slurm","jobId":42}', null],
  ])("%s → %s", (backendJson, job) => {
    expect(slurmJobOf({ backendJson })).toBe(job);
  });
});
