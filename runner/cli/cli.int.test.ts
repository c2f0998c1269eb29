import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { openDatabase } from "../../db/open";
import { listWorkspaces } from "../../db/queries/workspaces";
import { gitRepo, MIGRATIONS, ROOT, tempDir, trainerWorkspace } from "../../test/helpers/temp";

const BIN = path.join(ROOT, "bin", "overseer");

function overseer(args: string[], dataDir: string, cwd = ROOT) {
  const r = spawnSync(BIN, args, { cwd, encoding: "utf8", env: { ...process.env, OVERSEER_DATA_DIR: dataDir }, timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("bin/overseer", () => {
  it("--help lists every variable .env.example documents, and a mistyped option exits 2 with the one it meant", () => {
    const help = overseer(["--help"], tempDir());
    expect(help.code).toBe(0);
    const documented = [...fs.readFileSync(path.join(ROOT, ".env.example"), "utf8").matchAll(/^([A-Z_]+)=/gm)].map((m) => m[1]!);
    expect(documented.length).toBeGreaterThan(15);
    for (const name of [...documented, "OVERSEER_ENV_DIR"]) expect(help.stdout).toContain(name);
    const typo = overseer(["loop", ".", "--experimnts", "3"], tempDir());
    expect(typo).toMatchObject({ code: 2, stderr: expect.stringContaining("overseer loop: unknown option --experimnts: did you mean --experiments?") });
    expect(overseer(["sessions", "--all"], tempDir())).toMatchObject({ code: 2, stderr: expect.stringContaining("unknown option --all (options: --workspace)") });
  });

  it("sessions and experiments list ids with their status and metric", () => {
    const dataDir = tempDir();
    expect(overseer(["sessions"], dataDir).stdout).toContain("no sessions yet");
    const repo = trainerWorkspace("quadratic.mjs");
    expect(overseer(["loop", repo, "--experiments", "2", "--seed", "3", "--tag", "listed"], dataDir).code).toBe(0);
    const sessions = overseer(["sessions"], dataDir).stdout.split("\n");
    expect(sessions[0]).toMatch(/^id\s+status\s+workspace\s+branch\s+proposer\s+experiments\s+kept\s+best\s+stop reason$/);
    expect(sessions[1]).toMatch(/^1\s+finished\s+\S+\s+overseer\/listed\s+mutate\s+2\s+\d\s+[\d.]+\s+reached 2 experiments$/);
    expect(overseer(["sessions", "--workspace", repo], dataDir).stdout.trim().split("\n")).toHaveLength(2);
    const experiments = overseer(["experiments", "1"], dataDir).stdout.trim().split("\n");
    expect(experiments[0]).toMatch(/^id\s+#\s+status\s+val_bpb\s+title$/);
    expect(experiments[1]).toMatch(/^1\s+0\s+kept\s+2\.15\s+baseline$/);
    expect(experiments).toHaveLength(4);
    expect(overseer(["experiments", "9"], dataDir)).toMatchObject({ code: 1, stderr: expect.stringContaining("session 9 does not exist") });
    expect(overseer(["experiments"], dataDir)).toMatchObject({ code: 2 });
  });

  it("run --json prints one JSON object and exits 0 for a finished run", () => {
    const r = overseer(["run", trainerWorkspace("ok.mjs"), "--json"], tempDir());
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({ outcome: "finished", metric: { name: "val_bpb", value: 1.234567 }, summary: { val_bpb: 1.234567, training_seconds: 0.1 } });
    expect(out.commit).toMatch(/^[0-9a-f]{40}$/);
  });

  it("run prints what the trainer wrote with its control sequences made visible: no window title, clipboard write or screen clear reaches the terminal", () => {
    const trainer = [
      'console.log("---");',
      'console.log("val_bpb:          1.000000");',
      'console.log("note:  \\x1b]52;c;SGVsbG8=\\x07\\x1b[2J\\u009b2J");',
      'console.error("Traceback \\x1b]0;pwned\\x07");',
      "process.exit(1);",
    ].join("\n");
    const repo = gitRepo({ "train.mjs": trainer, "overseer.json": JSON.stringify({ command: ["node", "train.mjs"], editable: ["train.mjs"], budgetSeconds: 5, timeoutSeconds: 20 }) });
    for (const args of [
      ["run", repo],
      ["run", repo, "--json"],
    ]) {
      const r = overseer(args, tempDir());
      const out = r.stdout + r.stderr;
      expect(out).toMatch(/note/);
      // biome-ignore lint/suspicious/noControlCharactersInRegex: looking for control characters is the point
      expect(out).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
      expect(out).toContain("\\u001b]52;c;SGVsbG8=");
      if (args.includes("--json")) expect(JSON.parse(r.stdout).summary.note).toBe("\u001b]52;c;SGVsbG8=\u0007\u001b[2J\u009b2J");
    }
  });

  it("run exits non-zero for a crash and prints the reason and the log's end", () => {
    const r = overseer(["run", trainerWorkspace("crash.mjs")], tempDir());
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/crashed: node train.mjs exited with code 1/);
    expect(r.stdout).toContain("RuntimeError: CUDA error");
  });

  it("run shows progress and the summary on a terminal-less stdout", () => {
    const r = overseer(["run", "."], tempDir(), trainerWorkspace("ok.mjs"));
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/step 0 {2}loss 4/);
    expect(r.stdout).toMatch(/finished: val_bpb = 1.234567\n---\nval_bpb: +1.234567/);
  });

  it("explains a folder that is not a git repository", () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, "train.py"), "print(1)");
    const r = overseer(["run", dir], tempDir());
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/not inside a git repository.*git init/);
  });

  it("explains a malformed overseer.json, naming the field", () => {
    const repo = gitRepo({ "train.py": "", "overseer.json": '{"budgetSeconds": "five minutes"}' });
    const r = overseer(["run", repo, "--json"], tempDir());
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stdout).error).toMatch(/"budgetSeconds": .*expected the training budget in seconds/);
  });

  it("init writes only what differs from the defaults and registers the workspace", () => {
    const repo = gitRepo({ "train.py": "print('hi')\n", "prepare.py": "" });
    const dataDir = tempDir();
    const r = overseer(["init", repo, "--command", "python train.py", "--budget", "120"], dataDir);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(JSON.parse(fs.readFileSync(path.join(repo, "overseer.json"), "utf8"))).toEqual({ command: ["python", "train.py"], budgetSeconds: 120 });
    expect(r.stdout).toMatch(/commit overseer.json for these settings to apply/);
    const db = openDatabase({ file: path.join(dataDir, "overseer.db"), migrationsFolder: MIGRATIONS });
    expect(listWorkspaces(db).map((w) => [w.path, w.subdir])).toEqual([[repo, ""]]);
    db.$client.close();
  });

  it("init on an autoresearch layout writes an empty config: the defaults are its conventions", () => {
    const repo = gitRepo({ "train.py": "", "prepare.py": "", "program.md": "" });
    expect(overseer(["init", repo], tempDir()).code).toBe(0);
    expect(fs.readFileSync(path.join(repo, "overseer.json"), "utf8").trim()).toBe("{}");
  });

  it("init writes nothing when the editable files are missing", () => {
    const repo = gitRepo({ "model.py": "" });
    const r = overseer(["init", repo], tempDir());
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/editable file train.py not found.*set "editable"/);
    expect(fs.existsSync(path.join(repo, "overseer.json"))).toBe(false);
  });

  it("rejects a bad environment variable with what it takes", () => {
    const r = spawnSync(BIN, ["run", "."], { encoding: "utf8", env: { ...process.env, OVERSEER_KILL_GRACE_MS: "soon" } });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/OVERSEER_KILL_GRACE_MS="soon".*\.env\.example/s);
  });
});
