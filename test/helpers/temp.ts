/** Temp folders, git repositories and databases for integration tests: every test gets fresh ones. */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach } from "vitest";
import type { Settings } from "../../core/settings";
import { openDatabase, type Db } from "../../db/open";

export const ROOT = path.resolve(__dirname, "../..");
export const MIGRATIONS = path.join(ROOT, "db", "migrations");
export const TRAINERS = path.join(ROOT, "test", "fixtures", "trainers");

const cleanups: (() => void)[] = [];
afterEach(() => {
  while (cleanups.length) cleanups.pop()!();
});

export function tempDir(prefix = "overseer-test-"): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
  return fs.realpathSync(dir);
}

export function tempDb(dir = tempDir()): { db: Db; file: string } {
  const file = path.join(dir, "overseer.db");
  const db = openDatabase({ file, migrationsFolder: MIGRATIONS });
  cleanups.push(() => db.$client.close());
  return { db, file };
}

/** Tests see no GPU unless they ask for one (test/helpers/fake-nvidia-smi), whatever machine they run on. */
export const NO_GPUS = { nvidiaSmi: "/nonexistent/nvidia-smi", sampleMs: 100, memoryWaitMs: 2000, memoryHeldMb: 1024 };

export function testSettings(dataDir: string, over: Partial<Settings> = {}): Settings {
  return {
    dataDir,
    dbFile: path.join(dataDir, "overseer.db"),
    killGraceMs: 500,
    host: "127.0.0.1",
    port: 0,
    allowedHosts: [],
    accessTokenFile: path.join(dataDir, "access-token.sha256"),
    fixedToken: null,
    maxStreamsPerClient: 32,
    anthropic: { apiKey: null, baseURL: null, model: "claude-sonnet-5-5" },
    gpu: NO_GPUS,
    minFreeDiskMb: 0,
    ...over,
  };
}

export function sh(cwd: string, cmd: string, args: string[]): string {
  return execFileSync(cmd, args, { cwd, encoding: "utf8", env: { ...process.env, GIT_AUTHOR_NAME: "t", GIT_AUTHOR_EMAIL: "t@t", GIT_COMMITTER_NAME: "t", GIT_COMMITTER_EMAIL: "t@t" } });
}

/** A git repository with the given files committed on branch main. */
export function gitRepo(files: Record<string, string>, dir = tempDir("overseer-repo-")): string {
  sh(dir, "git", ["init", "-q", "-b", "main"]);
  for (const [name, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), content);
  }
  sh(dir, "git", ["add", "-A"]);
  sh(dir, "git", ["commit", "-qm", "baseline"]);
  return dir;
}

/** A workspace whose command runs one of the fake trainers in test/fixtures/trainers. */
export function trainerWorkspace(trainer: string, config: Record<string, unknown> = {}): string {
  const source = fs.readFileSync(path.join(TRAINERS, trainer), "utf8");
  return gitRepo({
    "train.mjs": source,
    "overseer.json": JSON.stringify({ command: ["node", "train.mjs"], editable: ["train.mjs"], protected: [], budgetSeconds: 5, timeoutSeconds: 20, ...config }),
  });
}

export function pidAlive(pid: number): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    const state = stat.slice(stat.lastIndexOf(")") + 2).split(" ")[0];
    return state !== "Z" && state !== "X";
  } catch {
    return false;
  }
}

/** Polls until fn returns a truthy value (tests only: production code waits on events, not timers). */
export async function waitFor<T>(fn: () => T | undefined | null | false, timeoutMs = 15_000, what = "condition"): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
