import { describe, expect, it } from "vitest";
import { configOverrides, DEFAULT_CONFIG, parseWorkspaceConfig } from "./workspace-config";

describe("parseWorkspaceConfig", () => {
  it("gives autoresearch's conventions when there is no file", () => {
    const r = parseWorkspaceConfig(null);
    expect(r).toEqual({
      ok: true,
      config: {
        command: ["uv", "run", "train.py"],
        editable: ["train.py"],
        protected: ["prepare.py"],
        instructions: "program.md",
        metric: { name: "val_bpb", goal: "minimize" },
        budgetSeconds: 300,
        timeoutSeconds: 600,
        env: [],
        minImprovement: 0,
        protectedData: [],
        timeTolerance: 0.1,
        sandbox: { network: false, writable: [], read: [], cacheReuse: false, maxFileSizeMb: 20480, maxProcesses: 4096, maxLogMb: 256 },
        gate: { rules: {}, maxDiffLines: 300, budgetNames: ["TIME_BUDGET"], allowedImports: [] },
        backend: "local",
        slurm: { extraArgs: [], gpusPerRun: 1, maxJobs: 4 },
        notify: [],
      },
    });
  });

  it("takes a Slurm backend with its partition, account, QoS and flags, but not the flags Overseer's guarantees rest on", () => {
    const r = parseWorkspaceConfig('{"backend": "slurm", "slurm": {"partition": "gpu", "qos": "short", "extraArgs": ["--constraint=a100", "--mem=32G"], "maxJobs": 8}}');
    expect(r.ok && { backend: r.config.backend, slurm: r.config.slurm }).toEqual({
      backend: "slurm",
      slurm: { partition: "gpu", qos: "short", extraArgs: ["--constraint=a100", "--mem=32G"], gpusPerRun: 1, maxJobs: 8 },
    });
    // The attacks themselves are core/slurm-job.test.ts's: here, that reading overseer.json refuses them.
    for (const flag of ["--export=ALL", "--exp=ALL", "-o/tmp/x", "--constraint"]) {
      const bad = parseWorkspaceConfig(JSON.stringify({ backend: "slurm", slurm: { extraArgs: [flag] } }));
      expect(!bad.ok && bad.error, flag).toContain(`"slurm.extraArgs.0": ${flag}:`);
    }
    expect(parseWorkspaceConfig('{"backend": "kubernetes"}').ok).toBe(false);
    expect(parseWorkspaceConfig('{"slurm": {"extraArgs": ["constraint=a100"]}}').ok).toBe(false);
  });

  it("takes gate rule levels by rule id, and names the rules when one is unknown", () => {
    const r = parseWorkspaceConfig('{"gate": {"rules": {"network": "blocked", "seed-only": "off"}}}');
    expect(r.ok && r.config.gate).toEqual({ rules: { network: "blocked", "seed-only": "off" }, maxDiffLines: 300, budgetNames: ["TIME_BUDGET"], allowedImports: [] });
    const bad = parseWorkspaceConfig('{"gate": {"rules": {"netwrk": "high"}}}');
    expect(bad.ok).toBe(false);
    expect(!bad.ok && bad.error).toMatch(/"gate\.rules": unknown key "netwrk".*rules: protected-file, not-editable/s);
  });

  it("fills defaults around the fields given", () => {
    const r = parseWorkspaceConfig('{"command": ["python", "train.py"], "budgetSeconds": 60}');
    expect(r.ok && r.config).toMatchObject({ command: ["python", "train.py"], budgetSeconds: 60, timeoutSeconds: 600, editable: ["train.py"] });
  });

  it.each([
    ["{", /not valid JSON.*delete the file to use the defaults/s],
    ["[1]", /must hold a JSON object/],
    ['{"command": "uv run train.py"}', /"command": .*expected an argv array/],
    ['{"budgetSeconds": -5}', /"budgetSeconds": .*expected the training budget in seconds/],
    ['{"metric": {"name": "val_bpb", "goal": "lowest"}}', /"metric.goal"/],
    ['{"editable": ["../secrets.py"]}', /"editable.0": must be a path inside the workspace/],
    ['{"env": ["NOT A NAME"]}', /"env.0": must be an environment variable name/],
    ['{"timeout": 10}', /unknown field "timeout": remove it \(known fields: .*timeoutSeconds/],
    ['{"budgetSeconds": 600, "timeoutSeconds": 300}', /"timeoutSeconds": timeoutSeconds must be at least budgetSeconds/],
  ])("explains %s", (text, message) => {
    const r = parseWorkspaceConfig(text, "overseer.json");
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(message);
  });
});

describe("notify", () => {
  it("takes webhooks by URL or by the variable that holds it, and refuses a URL with credentials in it", () => {
    const ok = parseWorkspaceConfig(JSON.stringify({ notify: [{ url: "https://ntfy.sh/topic", format: "ntfy" }, { urlEnv: "SLACK_HOOK" }] }), "overseer.json");
    expect(ok.ok && ok.config.notify).toEqual([
      { url: "https://ntfy.sh/topic", format: "ntfy", on: ["approval", "suspicious", "paused", "failed", "new_best"], includeCode: false },
      { urlEnv: "SLACK_HOOK", format: "json", on: ["approval", "suspicious", "paused", "failed", "new_best"], includeCode: false },
    ]);
    const withPassword = parseWorkspaceConfig(JSON.stringify({ notify: [{ url: "https://user:hunter2@hooks.example/x" }] }), "overseer.json");
    expect(withPassword).toMatchObject({ ok: false, error: expect.stringContaining("without a user or password") });
    expect(parseWorkspaceConfig(JSON.stringify({ notify: [{ url: "https://a/x", urlEnv: "B" }] }), "overseer.json")).toMatchObject({
      ok: false,
      error: expect.stringContaining("either url or urlEnv"),
    });
  });
});

describe("configOverrides", () => {
  it("keeps only what differs from the defaults", () => {
    expect(configOverrides(DEFAULT_CONFIG)).toEqual({});
    expect(configOverrides({ ...DEFAULT_CONFIG, budgetSeconds: 30, metric: { name: "val_loss", goal: "minimize" } })).toEqual({
      budgetSeconds: 30,
      metric: { name: "val_loss", goal: "minimize" },
    });
  });
});
