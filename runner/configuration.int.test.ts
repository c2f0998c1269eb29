import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT, tempDir } from "../test/helpers/temp";
import { loadConfiguration } from "./configuration";

const BIN = path.join(ROOT, "bin", "overseer");

function envDir(files: Record<string, string>): string {
  const dir = tempDir("overseer-env-");
  for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
  return dir;
}

describe("the configuration every process reads", () => {
  it("takes the environment over .env.local over .env, and a relative path from a file means the files' folder", () => {
    const dir = envDir({ ".env": "OVERSEER_PORT=4000\nOVERSEER_DATA_DIR=./state\nANTHROPIC_API_KEY=sk-from-file\n", ".env.local": "OVERSEER_PORT=4100\n" });
    const r = loadConfiguration("/opt/overseer", { OVERSEER_ENV_DIR: dir, OVERSEER_KILL_GRACE_MS: "100" }, "/somewhere/else");
    if (!r.ok) throw new Error(r.error);
    expect(r.settings).toMatchObject({ port: 4100, dataDir: path.join(dir, "state"), killGraceMs: 100, anthropic: { apiKey: "sk-from-file" } });
    expect(r.env).toMatchObject({ OVERSEER_PORT: "4100", OVERSEER_DATA_DIR: path.join(dir, "state") });
    expect(r.files).toEqual([path.join(dir, ".env.local"), path.join(dir, ".env")]);
    const overridden = loadConfiguration("/opt/overseer", { OVERSEER_ENV_DIR: dir, OVERSEER_PORT: "4200", OVERSEER_DATA_DIR: "rel" }, "/somewhere/else");
    expect(overridden.ok && overridden.settings).toMatchObject({ port: 4200, dataDir: "/somewhere/else/rel" });
  });

  it("names the file and the variable of a bad value, and never shows a secret", () => {
    const dir = envDir({ ".env": "OVERSEER_PORT=lots\nOVERSEER_TOKEN=short\n" });
    const r = loadConfiguration("/opt/overseer", { OVERSEER_ENV_DIR: dir }, "/");
    expect(r.ok).toBe(false);
    const error = !r.ok ? r.error : "";
    expect(error).toContain(`OVERSEER_PORT="lots" (set in ${path.join(dir, ".env")})`);
    expect(error).toContain(`OVERSEER_TOKEN=(hidden) (set in ${path.join(dir, ".env")})`);
    expect(error).not.toContain("short");
    expect(loadConfiguration("/", { OVERSEER_ENV_DIR: envDir({ ".env": "junk\n" }) }, "/")).toMatchObject({ ok: false, error: expect.stringContaining(".env:1: the line is not KEY=value") });
    expect(loadConfiguration("/", { OVERSEER_ENV_DIR: envDir({ ".env": "OVERSEER_ENV_DIR=/x\n" }) }, "/")).toMatchObject({ ok: false, error: expect.stringContaining("set it in the environment") });
  });

  it("is what bin/overseer reads: a bad value in .env exits 2 naming it, and a good one is used", () => {
    const bad = envDir({ ".env": "OVERSEER_KILL_GRACE_MS=soon\n" });
    const r = spawnSync(BIN, ["sessions"], { encoding: "utf8", env: { ...process.env, OVERSEER_ENV_DIR: bad }, timeout: 30_000 });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`OVERSEER_KILL_GRACE_MS="soon" (set in ${path.join(bad, ".env")})`);
    // The data folder set only in .env is where the CLI's database goes.
    const good = envDir({ ".env": "OVERSEER_DATA_DIR=./from-env-file\n" });
    const ok = spawnSync(BIN, ["export", "1", "--format", "tsv"], { encoding: "utf8", env: { ...process.env, OVERSEER_ENV_DIR: good, OVERSEER_DATA_DIR: "" }, cwd: tempDir(), timeout: 30_000 });
    expect(ok.stderr).toContain("session 1 does not exist");
    expect(fs.existsSync(path.join(good, "from-env-file", "overseer.db"))).toBe(true);
  });
});
