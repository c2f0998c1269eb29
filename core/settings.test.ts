import { describe, expect, it } from "vitest";
import { parseSettings } from "./settings";

const parse = (env: Record<string, string>) => parseSettings(env, "/opt/overseer", "/home/me");

describe("parseSettings", () => {
  it("has defaults for everything", () => {
    const r = parse({});
    expect(r).toMatchObject({ ok: true, settings: { host: "127.0.0.1", port: 3000, fixedToken: null, maxStreamsPerClient: 32, dataDir: "/opt/overseer/data" } });
  });

  it.each([
    [{ OVERSEER_TOKEN: "a".repeat(24) }, { fixedToken: "a".repeat(24) }],
    [{ OVERSEER_TOKEN: "" }, { fixedToken: null }],
    [{ OVERSEER_MAX_STREAMS_PER_CLIENT: "4" }, { maxStreamsPerClient: 4 }],
    [{ OVERSEER_DATA_DIR: "runs" }, { dataDir: "/home/me/runs", dbFile: "/home/me/runs/overseer.db" }],
  ])("reads %o", (env, expected) => {
    expect(parse(env)).toMatchObject({ ok: true, settings: expected });
  });

  it.each([
    [{ OVERSEER_TOKEN: "short-secret" }, "OVERSEER_TOKEN", "24 to 256 letters"],
    [{ OVERSEER_TOKEN: "has spaces in it, which a URL would mangle" }, "OVERSEER_TOKEN", "24 to 256 letters"],
    [{ OVERSEER_MAX_STREAMS_PER_CLIENT: "0" }, "OVERSEER_MAX_STREAMS_PER_CLIENT", ">=1"],
    [{ OVERSEER_PORT: "http" }, "OVERSEER_PORT", "number"],
  ])("refuses %o, naming the variable", (env, name, why) => {
    const r = parse(env);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.error).toContain(name);
    expect(!r.ok && r.error).toContain(why);
  });

  it("never echoes a secret's value, not even a malformed one", () => {
    const r = parse({ OVERSEER_TOKEN: "short-secret" });
    expect(!r.ok && r.error).not.toContain("short-secret");
    expect(!r.ok && r.error).toContain("OVERSEER_TOKEN=(hidden)");
    expect(parse({ OVERSEER_PORT: "http" })).toMatchObject({ ok: false, error: expect.stringContaining('OVERSEER_PORT="http"') });
  });
});
