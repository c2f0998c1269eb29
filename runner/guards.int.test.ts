/**
 * The runtime guards, with real runs: a protected file changed during the run, forged summaries, a clock that
 * undercounts, and a run that looks for the API key, the network and a way out of its checkout.
 */
import { execFile } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { createRun } from "../db/queries/runs";
import { ROOT, gitRepo, tempDb, tempDir, testSettings, TRAINERS } from "../test/helpers/temp";
import { executeRun } from "./execute-run";
import { probeSandbox } from "./sandbox";
import { loadWorkspace, registerWorkspace } from "./workspace";

function workspace(trainer: string, config: Record<string, unknown> = {}, edit = (s: string) => s): string {
  return gitRepo({
    "train.mjs": edit(fs.readFileSync(path.join(TRAINERS, trainer), "utf8")),
    "prepare.mjs": "export const EVAL_TOKENS = 1024;\n",
    "overseer.json": JSON.stringify({ command: ["node", "train.mjs"], editable: ["train.mjs"], protected: ["prepare.mjs"], budgetSeconds: 2, timeoutSeconds: 20, ...config }),
  });
}

async function run(dir: string, parentEnv: Record<string, string | undefined> = { PATH: process.env.PATH }) {
  const dataDir = tempDir("overseer-data-");
  const { db } = tempDb(dataDir);
  const loaded = await loadWorkspace(dir);
  if (!loaded.ok) throw new Error(loaded.error);
  const ws = registerWorkspace(db, loaded.workspace, Date.now());
  return executeRun(createRun(db, { workspaceId: ws.id, origin: "cli", at: Date.now() }), ws, { db, settings: testSettings(dataDir), parentEnv });
}

describe("runtime guards", () => {
  it("marks a run that changes a protected file tampered; its score is not used", async () => {
    const final = await run(workspace("tamper.mjs"));
    expect(final).toMatchObject({ status: "tampered", metricValue: null, reason: "prepare.mjs changed during the run: its result is not used" });
    expect(JSON.parse(final.guardsJson!)).toMatchObject({ hashed: ["prepare.mjs", "prepare.mjs (in the workspace)"], changed: ["prepare.mjs"] });
  });

  it("notices changed protected data named in the config", async () => {
    const data = path.join(tempDir(), "val.bin");
    fs.writeFileSync(data, "validation tokens");
    const final = await run(
      workspace("ok.mjs", { protectedData: [data], sandbox: { writable: [path.dirname(data)] } }, (s) => `import fs from "node:fs";\nfs.appendFileSync(${JSON.stringify(data)}, "!");\n${s}`),
    );
    expect(final).toMatchObject({ status: "tampered", reason: `${data} changed during the run: its result is not used` });
  });

  it.each([
    ["second", /the summary was printed 2 times/],
    ["stray", /"val_bpb: 0.100000" was printed outside the summary/],
    ["late", /1 progress record came after the summary/],
  ])("keeps the score of a run whose output looks forged (%s) but records why it is suspicious", async (forge, why) => {
    const final = await run(workspace("forged.mjs", {}, (s) => s.replace('const FORGE = "second"', `const FORGE = "${forge}"`)));
    expect(final).toMatchObject({ status: "finished", metricValue: 0.9 });
    expect(final.suspicion).toMatch(why);
  });

  it("suspects a run whose reported training time disagrees with the wall clock", async () => {
    const final = await run(workspace("slow-clock.mjs"));
    expect(final.status).toBe("finished");
    expect(final.suspicion).toMatch(/trained for 2\.\d s by the wall clock .* but reported training_seconds 0\.5/);
  });

  it("finds an honest run unsuspicious", async () => {
    const final = await run(workspace("ok.mjs"));
    expect(final).toMatchObject({ status: "finished", suspicion: null });
  });

  it("keeps the API key, the network and the rest of the disk out of a run's reach (sandbox), or says it cannot", { timeout: 30_000 }, async () => {
    const server = net.createServer((s) => s.end());
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const port = (server.address() as net.AddressInfo).port;
    // A folder of the user's beside the installation (not the run's checkout, cache or TMPDIR).
    fs.mkdirSync(path.join(ROOT, ".tmp"), { recursive: true });
    const outside = fs.mkdtempSync(path.join(ROOT, ".tmp", "outside-"));
    const dir = workspace("escape.mjs", { env: ["ESCAPE_PORT", "ESCAPE_OUTSIDE", "ESCAPE_READ", "ESCAPE_PLANTED"] });
    // A real runner process with the key in its environment, as `npm start` has it.
    const dataDir = tempDir("overseer-data-");
    // What is the user's, not the run's: a private key in their home, Overseer's database; what another run left in /tmp and /dev/shm.
    const home = tempDir("overseer-home-");
    fs.mkdirSync(path.join(home, ".ssh"));
    fs.writeFileSync(path.join(home, ".ssh", "id_ed25519"), "PRIVATE KEY");
    const planted = [path.join(tempDir(), "left-by-another-run"), `/dev/shm/overseer-left-${process.pid}`];
    for (const p of planted) fs.writeFileSync(p, "x");
    const readAttempts = [path.join(home, ".ssh", "id_ed25519"), path.join(dataDir, "overseer.db")];
    const out = await new Promise<string>((resolve) => {
      const env = {
        ...process.env,
        HOME: home,
        ANTHROPIC_API_KEY: "sk-ant-test-secret",
        ESCAPE_PORT: String(port),
        ESCAPE_OUTSIDE: outside,
        ESCAPE_READ: readAttempts.join(":"),
        ESCAPE_PLANTED: planted.join(":"),
        OVERSEER_DATA_DIR: dataDir,
      };
      execFile(path.join(ROOT, "bin/overseer"), ["run", dir, "--json"], { env }, (_e, stdout) => resolve(stdout));
    });
    server.close();
    const escaped = fs.readdirSync(outside);
    fs.rmSync(outside, { recursive: true, force: true });
    const result = JSON.parse(out) as { outcome: string; logFile: string };
    expect(result.outcome).toBe("finished");
    const log = fs.readFileSync(result.logFile, "utf8");
    fs.rmSync(planted[1]!, { force: true });
    const report = JSON.parse(/ESCAPE (.*)/.exec(log)![1]!) as { found: { env: string | null; proc: number[] }; network: string; wrote: string; read: Record<string, string>; planted: string[] };
    expect(report.found.env).toBeNull(); // never in its environment, sandbox or not
    const probe = await probeSandbox();
    if (probe.available) {
      // Denied by default: what the run was not given does not exist for it.
      expect(report).toEqual({ found: { env: null, proc: [] }, network: "ECONNREFUSED", wrote: "ENOENT", read: Object.fromEntries(readAttempts.map((p) => [p, "ENOENT"])), planted: [] });
      expect(escaped).toEqual([]);
    } else {
      // Without bubblewrap the run is not isolated: the runner records that, and the dashboard says it.
      expect(probe.detail).toMatch(/^unavailable: /);
      expect(report.network).toBe("connected");
      expect(report.read[readAttempts[0]!]).toBe("read");
    }
  });

  it("without bubblewrap, as root, starts runs as nobody: no home, no database, no workspace writes (OVERSEER_ISOLATION=uid)", { timeout: 30_000 }, async () => {
    const home = tempDir("overseer-home-");
    fs.mkdirSync(path.join(home, ".ssh"));
    fs.writeFileSync(path.join(home, ".ssh", "id_ed25519"), "PRIVATE KEY");
    const dataDir = tempDir("overseer-data-");
    const dir = workspace("escape.mjs", { env: ["ESCAPE_PORT", "ESCAPE_OUTSIDE", "ESCAPE_READ"] });
    const readAttempts = [path.join(home, ".ssh", "id_ed25519"), path.join(dataDir, "overseer.db")];
    const out = await new Promise<string>((resolve) => {
      const env = {
        ...process.env,
        HOME: home,
        OVERSEER_ISOLATION: "uid",
        ANTHROPIC_API_KEY: "sk-ant-test-secret",
        ESCAPE_PORT: "9",
        ESCAPE_OUTSIDE: dir,
        ESCAPE_READ: readAttempts.join(":"),
        OVERSEER_DATA_DIR: dataDir,
      };
      execFile(path.join(ROOT, "bin/overseer"), ["run", dir, "--json"], { env }, (_e, stdout) => resolve(stdout));
    });
    const result = JSON.parse(out) as { outcome: string; logFile: string };
    const log = fs.readFileSync(result.logFile, "utf8");
    const report = JSON.parse(/ESCAPE (.*)/.exec(log)![1]!) as { found: { env: string | null; proc: number[] }; wrote: string; read: Record<string, string> };
    if (process.getuid?.() === 0) {
      expect(result.outcome).toBe("finished");
      // The runner's environment is root's, its database root's alone, the workspace not the run's to write.
      expect(report).toMatchObject({ found: { env: null, proc: [] }, wrote: "EACCES", read: Object.fromEntries(readAttempts.map((p) => [p, "EACCES"])) });
      expect(fs.existsSync(path.join(dir, "escaped.txt"))).toBe(false);
    } else expect(report.read[readAttempts[0]!]).toBe("read"); // not root: no other user to start runs as, so nothing isolates them
  });
});
