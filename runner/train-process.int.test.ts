import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { pidAlive, tempDir, TRAINERS } from "../test/helpers/temp";
import { groupAlive } from "./process-group";
import { runTraining, type TrainingSpec } from "./train-process";

function spec(trainer: string, over: Partial<TrainingSpec> = {}): TrainingSpec & { chunks: Buffer[] } {
  const dir = tempDir();
  const chunks: Buffer[] = [];
  return {
    command: [process.execPath, path.join(TRAINERS, trainer)],
    cwd: dir,
    env: { PATH: process.env.PATH ?? "" },
    logFile: path.join(dir, "run.log"),
    timeoutMs: 20_000,
    graceMs: 300,
    onOutput: (b) => chunks.push(b),
    chunks,
    ...over,
  };
}

describe("runTraining", () => {
  it("runs a trainer to its end and streams its output, stdout and stderr, into the log file", async () => {
    const s = spec("crash.mjs");
    const exit = await runTraining(s);
    expect(exit).toMatchObject({ exitCode: 1, signal: null, timedOut: false, cancelled: false, spawnError: null });
    const log = fs.readFileSync(s.logFile, "utf8");
    expect(log).toContain("step 00001");
    expect(log).toContain("RuntimeError: CUDA error");
    expect(Buffer.concat(s.chunks).toString()).toBe(log);
  });

  it("kills a hanging trainer and its grandchild at the timeout, SIGTERM ignored", async () => {
    const s = spec("hang.mjs", { timeoutMs: 1500 });
    let pgid = 0;
    const exit = await runTraining({ ...s, onStart: (pid) => (pgid = pid) });
    expect(exit.timedOut).toBe(true);
    expect(exit.signal).toBe("SIGKILL");
    expect(exit.durationMs).toBeGreaterThanOrEqual(1500);
    const grandchild = Number(/grandchild_pid: (\d+)/.exec(fs.readFileSync(s.logFile, "utf8"))?.[1]);
    expect(grandchild).toBeGreaterThan(0);
    expect(pidAlive(grandchild)).toBe(false);
    expect(groupAlive(pgid)).toBe(false);
  });

  it("kills the whole group when the trainer exits but leaves a child behind", async () => {
    const dir = tempDir();
    const script = path.join(dir, "leaky.mjs");
    fs.writeFileSync(
      script,
      `import { spawn } from "node:child_process";
       const c = spawn(process.execPath, ["-e", "setInterval(() => {}, 1000)"], { stdio: "ignore" });
       console.log("leaked_pid: " + c.pid); c.unref();`,
    );
    const s = spec("ok.mjs", { command: [process.execPath, script] });
    const exit = await runTraining(s);
    expect(exit.exitCode).toBe(0);
    const leaked = Number(/leaked_pid: (\d+)/.exec(fs.readFileSync(s.logFile, "utf8"))?.[1]);
    expect(leaked).toBeGreaterThan(0);
    expect(pidAlive(leaked)).toBe(false);
  });

  it("stops on cancel", async () => {
    const controller = new AbortController();
    const s = spec("slow.mjs", { signal: controller.signal });
    setTimeout(() => controller.abort("cancel"), 400);
    const exit = await runTraining(s);
    expect(exit).toMatchObject({ cancelled: true, timedOut: false });
    expect(exit.durationMs).toBeLessThan(3000);
  });

  it("reports a command that does not exist as a value", async () => {
    const exit = await runTraining(spec("ok.mjs", { command: ["definitely-not-a-command-xyz", "train.py"] }));
    expect(exit.spawnError).toMatch(/command not found: "definitely-not-a-command-xyz".*change "command" in overseer.json/);
    expect(exit.exitCode).toBeNull();
  });

  it("hands over output while the trainer is still running", async () => {
    const s = spec("slow.mjs");
    let firstAt = 0;
    const started = Date.now();
    await runTraining({ ...s, onOutput: (b) => ((firstAt ||= Date.now()), s.chunks.push(b)) });
    const total = Date.now() - started;
    expect(firstAt - started).toBeLessThan(total - 1500); // the first record came long before the end
    expect(s.chunks.length).toBeGreaterThan(5);
  });
});
