import { describe, expect, it } from "vitest";
import { type DoctorFacts, doctorChecks, doctorExitCode, formatDoctor } from "./doctor";

const H100 = { index: 0, uuid: "GPU-a", name: "NVIDIA H100 80GB HBM3", driver: "550.54.15", memoryTotalMb: 81559, memoryUsedMb: 0, utilPercent: 0, powerW: 70 };
const HEALTHY: DoctorFacts = {
  node: "v20.11.1",
  git: "git version 2.39.5",
  dataDir: "/srv/overseer/data",
  freeMb: 50_000,
  minFreeMb: 1024,
  sandbox: { kind: "bubblewrap", detail: "bubblewrap: own /tmp, no network" },
  gpus: [H100],
  computeApps: [],
  gpusInSandbox: { ok: true, detail: "nvidia-smi -L inside the sandbox lists 1 GPU" },
  cuda: { interpreter: "python3", torch: "2.5.1", available: true, devices: 1 },
  claude: { configured: true, ok: true, model: "claude-opus-5-5", models: ["claude-opus-5-5"], note: null, checkedAt: 0 },
};
const statusOf = (f: Partial<DoctorFacts>, name: string) => doctorChecks({ ...HEALTHY, ...f }).find((c) => c.name === name);

describe("doctorChecks", () => {
  it("a healthy GPU box: every check ok, exit 0", () => {
    const checks = doctorChecks(HEALTHY);
    expect(checks.map((c) => [c.name, c.status])).toEqual([
      ["node", "ok"],
      ["git", "ok"],
      ["disk", "ok"],
      ["sandbox", "ok"],
      ["gpu 0", "ok"],
      ["gpu in sandbox", "ok"],
      ["cuda", "ok"],
      ["claude", "ok"],
    ]);
    expect(doctorExitCode(checks)).toBe(0);
  });

  it.each<[string, Partial<DoctorFacts>, string, string, RegExp]>([
    ["an old Node", { node: "v18.19.0" }, "node", "fail", /Node 20\.11/],
    ["Node 20.10", { node: "v20.10.0" }, "node", "fail", /Node 20\.11/],
    ["no git", { git: null }, "git", "fail", /install git/],
    ["an old git", { git: "git version 2.17.1" }, "git", "warn", /2\.30/],
    ["a full disk", { freeMb: 300 }, "disk", "fail", /OVERSEER_DATA_DIR/],
    ["an unreadable data folder", { freeMb: null }, "disk", "warn", /exists/],
    ["no bubblewrap", { sandbox: { kind: "none", detail: "unavailable: bubblewrap is not installed" } }, "sandbox", "warn", /apt-get install bubblewrap/],
    ["runs as nobody", { sandbox: { kind: "uid", detail: "a separate user" } }, "sandbox", "warn", /bubblewrap/],
    ["GPUs hidden from the sandbox", { gpusInSandbox: { ok: false, detail: "nvidia-smi -L failed inside" } }, "gpu in sandbox", "fail", /\/dev\/nvidia/],
    ["a CPU torch on a GPU box", { cuda: { interpreter: "python3", torch: "2.5.1+cpu", available: false, devices: 0 } }, "cuda", "fail", /CUDA build/],
    ["no torch", { cuda: { interpreter: "python3", error: "No module named 'torch'" } }, "cuda", "fail", /install PyTorch/],
    ["a refused key", { claude: { configured: true, ok: false, model: "claude-opus-5-5", error: "the API key was refused", checkedAt: 0 } }, "claude", "fail", /ANTHROPIC_API_KEY/],
    [
      "a model the key may not use",
      { claude: { configured: true, ok: true, model: "m", models: ["x"], note: "m is not among the key's models", checkedAt: 0 } },
      "claude",
      "warn",
      /OVERSEER_CLAUDE_MODEL/,
    ],
  ])("%s", (_, facts, name, status, fix) => {
    const check = statusOf(facts, name)!;
    expect(check.status).toBe(status);
    expect(check.fix).toMatch(fix);
  });

  it("a CPU-only machine warns (runs go on the CPU) but does not fail; the sandbox's GPUs are not checked", () => {
    const checks = doctorChecks({ ...HEALTHY, gpus: null, gpusInSandbox: null, cuda: { interpreter: "python3", torch: "2.5.1+cpu", available: false, devices: 0 } });
    expect(checks.find((c) => c.name === "gpu")).toMatchObject({ status: "warn", detail: /runs go on the CPU/ });
    expect(checks.find((c) => c.name === "gpu in sandbox")).toMatchObject({ status: "not checked" });
    expect(checks.find((c) => c.name === "cuda")).toMatchObject({ status: "warn" });
    expect(doctorExitCode(checks)).toBe(0);
  });

  it("names who holds memory on a GPU", () => {
    const check = statusOf({ computeApps: [{ pid: 4242, gpuUuid: "GPU-a", usedMb: 2048 }] }, "gpu 0")!;
    expect(check).toMatchObject({ status: "warn", detail: /held by pid 4242 \(2048 MiB\)/ });
  });

  it("says 'not checked' for Claude without a key, or where the Models API cannot be reached", () => {
    expect(statusOf({ claude: { configured: false } }, "claude")!.status).toBe("not checked");
    expect(statusOf({ claude: { configured: true, ok: true, model: "m", models: null, note: "the Models API could not be asked (Connection error.)", checkedAt: 0 } }, "claude")).toMatchObject({
      status: "not checked",
      detail: /Connection error/,
    });
  });

  it("leaves CUDA out when no Python workspace was named", () => {
    expect(statusOf({ cuda: null }, "cuda")).toBeUndefined();
  });
});

describe("formatDoctor", () => {
  it("prints one line per check and the fix under a failure", () => {
    const text = formatDoctor(doctorChecks({ ...HEALTHY, git: null }));
    expect(text).toMatch(/^FAIL {2}git {13}git did not run\n {6}.* → install git/m);
    expect(text.split("\n").filter((l) => /^(ok|warn|FAIL|--) /.test(l))).toHaveLength(8);
  });
});
