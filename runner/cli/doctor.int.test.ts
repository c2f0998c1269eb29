import { spawnSync } from "node:child_process";
import path from "node:path";
import { describe, expect, it } from "vitest";
import type { DoctorCheck } from "../../core/doctor";
import { fakeNvidiaSmi } from "../../test/helpers/fake-nvidia-smi";
import { gitRepo, ROOT, tempDir } from "../../test/helpers/temp";

const BIN = path.join(ROOT, "bin", "overseer");
const FAKE_SMI = path.join(ROOT, "test", "fixtures", "fake-nvidia-smi.mjs");

function doctor(args: string[], env: Record<string, string | undefined>) {
  const clean = { ...process.env };
  for (const k of ["ANTHROPIC_API_KEY", "ANTHROPIC_BASE_URL", "OVERSEER_ISOLATION", "FAKE_NVIDIA_SMI_STATE"]) delete clean[k];
  const r = spawnSync(BIN, ["doctor", ...args], { cwd: ROOT, encoding: "utf8", env: { ...clean, OVERSEER_DATA_DIR: tempDir(), OVERSEER_ENV_DIR: tempDir(), ...env }, timeout: 90_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
const checksOf = (stdout: string) => (JSON.parse(stdout) as { checks: DoctorCheck[] }).checks;
const check = (checks: DoctorCheck[], name: string) => checks.find((c) => c.name === name);

/**
 * A Python workspace whose `torch` is a CPU build: a module in the workspace, found first as the command's would be.
 * It also reports, in its version, any secret the doctor's probe let it see.
 */
function cpuTorchWorkspace(): string {
  return gitRepo({
    "train.py": "print('---')\nprint('val_bpb: 1.0')\n",
    "torch/__init__.py":
      "import os\n__version__ = '2.5.1+cpu' + os.environ.get('ANTHROPIC_API_KEY', '')\nclass cuda:\n    is_available = staticmethod(lambda: False)\n    device_count = staticmethod(lambda: 0)\n",
    "overseer.json": JSON.stringify({ command: ["python3", "train.py"], editable: ["train.py"], protected: [], budgetSeconds: 5, timeoutSeconds: 20 }),
  });
}

describe("overseer doctor", () => {
  it("on a machine with a GPU and bubblewrap: node, git, disk, the sandbox, the GPU outside and inside the sandbox; exit 0", () => {
    const r = doctor(["--json"], { OVERSEER_NVIDIA_SMI: FAKE_SMI });
    const checks = checksOf(r.stdout);
    expect(checks.map((c) => c.name)).toEqual(["node", "git", "disk", "sandbox", "gpu 0", "gpu in sandbox", "claude"]);
    expect(check(checks, "gpu 0")).toMatchObject({ status: "ok", detail: expect.stringContaining("NVIDIA H100 80GB HBM3, driver 550.54.15") });
    expect(check(checks, "claude")).toMatchObject({ status: "not checked", detail: expect.stringContaining("no ANTHROPIC_API_KEY") });
    // Bubblewrap is here (.ci/run installs it): the probe runs the same sandbox a run gets.
    expect(check(checks, "sandbox")!.status).toBe("ok");
    expect(check(checks, "gpu in sandbox")).toMatchObject({ status: "ok", detail: "nvidia-smi inside the sandbox lists 1 GPU, as outside" });
    expect(r.code).toBe(0);
  });

  it("a GPU whose nvidia-smi the sandbox cannot reach fails 'gpu in sandbox': runs there would not see it", () => {
    // The wrapper lives in a temporary folder and runs a script under Overseer's tree, which runs cannot read.
    const smi = fakeNvidiaSmi(tempDir());
    const r = doctor(["--json"], { OVERSEER_NVIDIA_SMI: smi.bin });
    expect(check(checksOf(r.stdout), "gpu in sandbox")).toMatchObject({ status: "fail", fix: expect.stringContaining("/dev/nvidia") });
    expect(r.code).toBe(1);
  });

  it("a workspace whose Python has a CPU build of torch, on a GPU machine: cuda fails and says to install a CUDA build", () => {
    // The probe imports the folder's code: it must get a run's environment, not the API key.
    const r = doctor([cpuTorchWorkspace()], { OVERSEER_NVIDIA_SMI: FAKE_SMI, ANTHROPIC_API_KEY: "sk-ant-doctor-secret", ANTHROPIC_BASE_URL: "http://127.0.0.1:9" });
    expect(r.stdout).not.toContain("sk-ant-doctor-secret");
    expect(r.stdout).toMatch(/^FAIL {2}cuda +python3: torch 2\.5\.1\+cpu sees no CUDA device\n.*→ this torch is a CPU build/m);
    expect(r.code).toBe(1);
  });

  it("without bubblewrap or a GPU: warns, and says what it did not check; warnings alone exit 0", () => {
    const r = doctor(["--json"], { OVERSEER_ISOLATION: "none", OVERSEER_NVIDIA_SMI: path.join(tempDir(), "no-nvidia-smi") });
    const checks = checksOf(r.stdout);
    expect(check(checks, "sandbox")).toMatchObject({ status: "warn", detail: expect.stringContaining("OVERSEER_ISOLATION=none") });
    expect(check(checks, "gpu")).toMatchObject({ status: "warn", detail: "nvidia-smi did not answer: runs go on the CPU" });
    expect(check(checks, "gpu in sandbox")!.status).toBe("not checked");
    expect(r.code).toBe(0);
  });

  it("a key with an API that cannot be reached is 'not checked', not ok; a wrong folder exits 2", () => {
    const r = doctor(["--json"], { ANTHROPIC_API_KEY: "sk-ant-test", ANTHROPIC_BASE_URL: "http://127.0.0.1:9", OVERSEER_NVIDIA_SMI: FAKE_SMI });
    expect(check(checksOf(r.stdout), "claude")).toMatchObject({ status: "not checked", detail: expect.stringContaining("could not be asked") });
    const wrong = doctor([path.join(tempDir(), "missing")], {});
    expect(wrong).toMatchObject({ code: 2, stderr: expect.stringContaining("is not a folder") });
  });
});
