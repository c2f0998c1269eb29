/**
 * What the benchmarks run on: temp folders, a git workspace whose training command is a shell script (sh
 * starts in about a millisecond, so the time measured is Overseer's, not an interpreter's), a fresh database
 * and settings that see no GPU. Everything is removed at exit.
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Settings } from "../../core/settings";
import { openDatabase, type Db } from "../../db/open";

export const ROOT = path.resolve(__dirname, "../..");
export const MIGRATIONS = path.join(ROOT, "db", "migrations");

const made: string[] = [];
process.on("exit", () => {
  for (const dir of made) fs.rmSync(dir, { recursive: true, force: true });
});

export function tempDir(prefix: string): string {
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), prefix)));
  made.push(dir);
  return dir;
}

export function openBenchDb(dataDir: string): Db {
  return openDatabase({ file: path.join(dataDir, "overseer.db"), migrationsFolder: MIGRATIONS });
}

export function benchSettings(dataDir: string): Settings {
  return {
    dataDir,
    dbFile: path.join(dataDir, "overseer.db"),
    minFreeDiskMb: 0,
    killGraceMs: 500,
    host: "127.0.0.1",
    port: 0,
    allowedHosts: [],
    accessTokenFile: path.join(dataDir, "access-token.sha256"),
    fixedToken: null,
    maxStreamsPerClient: 32,
    anthropic: { apiKey: null, baseURL: null, model: "none" },
    gpu: { nvidiaSmi: "/nonexistent/nvidia-smi", sampleMs: 1000, memoryWaitMs: 0, memoryHeldMb: 1024 },
  };
}

const GIT_ENV = { ...process.env, GIT_AUTHOR_NAME: "bench", GIT_AUTHOR_EMAIL: "bench@localhost", GIT_COMMITTER_NAME: "bench", GIT_COMMITTER_EMAIL: "bench@localhost" };

/** A git repository on branch main with the files committed. */
export function gitWorkspace(files: Record<string, string>): string {
  const dir = tempDir("overseer-bench-repo-");
  const git = (...args: string[]) => execFileSync("git", args, { cwd: dir, env: GIT_ENV, stdio: "ignore" });
  git("init", "-q", "-b", "main");
  for (const [name, content] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), content);
  git("add", "-A");
  git("commit", "-qm", "baseline");
  return dir;
}
