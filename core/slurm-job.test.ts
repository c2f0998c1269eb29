import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { describePending, jobScript, parseScontrolJob, phaseOf, sbatchArgs, shellQuote, slurmJobOf } from "./slurm-job";

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
    expect(args.slice(0, 6)).toEqual(["--parsable", "--export=NONE", "--job-name=overseer-run-12", "--comment=overseer-run-12", "--output=/data/runs/12/run.log", "--open-mode=append"]);
    expect(args.at(-1)).toBe("/data/runs/12/job.sh");
    for (const a of has) expect(args).toContain(a);
    for (const a of lacks) expect(args.some((x) => x.startsWith(a))).toBe(false);
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
