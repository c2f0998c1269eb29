/**
 * examples/nanogpt needs PyTorch and an NVIDIA GPU, which CI lacks: these tests check what holds everywhere (it
 * says clearly why it cannot run, through Overseer too; its hyperparameters are constants the gate lets run
 * unattended). Its training is verified on a GPU machine; the figures are in examples/nanogpt/README.md.
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { topLevelConstants } from "../core/constants";
import { gateCandidate } from "../core/gate";
import { parseWorkspaceConfig } from "../core/workspace-config";
import { gitRepo, ROOT, tempDir } from "../test/helpers/temp";

const EXAMPLE = path.join(ROOT, "examples", "nanogpt");
const files = () => Object.fromEntries(fs.readdirSync(EXAMPLE).filter((f) => !f.startsWith("__")).map((f) => [f, fs.readFileSync(path.join(EXAMPLE, f), "utf8")]));
const NO_GPU = /examples\/nanogpt needs (PyTorch with CUDA on an NVIDIA GPU, and PyTorch is not installed here|an NVIDIA GPU with CUDA, and PyTorch sees none)/;

describe("examples/nanogpt", () => {
  it("exits with a clear message, and code 2, on a machine without PyTorch or a GPU", () => {
    const r = spawnSync("python3", ["train.py"], { cwd: EXAMPLE, encoding: "utf8", env: { PATH: process.env.PATH, CUDA_VISIBLE_DEVICES: "" }, timeout: 60_000 });
    expect(r.error).toBeUndefined();
    expect(r.stderr).toMatch(NO_GPU);
    expect(r.status).toBe(2);
  });

  it("runs unmodified under Overseer, which shows that message as the reason it crashed", () => {
    const repo = gitRepo(files());
    const dataDir = tempDir();
    const r = spawnSync(path.join(ROOT, "bin", "overseer"), ["run", repo, "--json"], { encoding: "utf8", env: { ...process.env, OVERSEER_DATA_DIR: dataDir }, timeout: 90_000 });
    const out = JSON.parse(r.stdout);
    expect(out.outcome).toBe("crashed");
    expect(out.reason).toBe("python3 train.py exited with code 2");
    expect(out.logTail).toMatch(NO_GPU);
  });

  it("keeps its hyperparameters as top-level constants, which the gate lets run unattended", () => {
    const before = files();
    const names = topLevelConstants(before["train.py"]!).map((c) => c.name);
    expect(names).toEqual(expect.arrayContaining(["DEPTH", "N_EMBD", "N_HEAD", "SEQ_LEN", "DEVICE_BATCH_SIZE", "LEARNING_RATE", "WEIGHT_DECAY", "ADAM_BETAS", "WARMDOWN_RATIO"]));
    const config = parseWorkspaceConfig(before["overseer.json"]!);
    if (!config.ok) throw new Error(config.error);
    expect(config.config).toMatchObject({ editable: ["train.py"], protected: ["prepare.py", "evaluate.py"], metric: { name: "val_bpb", goal: "minimize" }, budgetSeconds: 300 });
    const after = { ...before, "train.py": before["train.py"]!.replace("LEARNING_RATE = 1e-3", "LEARNING_RATE = 2e-3").replace("DEPTH = 6", "DEPTH = 8") };
    expect(gateCandidate(["train.py"], config.config, before, after).level).toBe("low");
    // Its evaluation is in the protected module: a change there never runs.
    const evalEdit = { ...before, "prepare.py": before["prepare.py"]!.replace("return nats / count / math.log(2), largest", "return 0.5, largest") };
    expect(evalEdit["prepare.py"]).not.toBe(before["prepare.py"]);
    expect(gateCandidate(["prepare.py"], config.config, before, evalEdit).level).toBe("blocked");
    const evaluateEdit = { ...before, "evaluate.py": before["evaluate.py"]!.replace('print(f"val_bpb:          {bpb:.6f}")', 'print("val_bpb: 0.5")') };
    expect(evaluateEdit["evaluate.py"]).not.toBe(before["evaluate.py"]);
    expect(gateCandidate(["evaluate.py"], config.config, before, evaluateEdit).level).toBe("blocked");
  });
});
