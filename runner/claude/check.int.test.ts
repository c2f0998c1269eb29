/** What the runner tells the dashboard of its Claude key: asked of the (fake) API, written to the lease. */
import { afterEach, describe, expect, it } from "vitest";
import { readLease } from "../../db/queries/runner-lease";
import { startFakeAnthropic, type FakeAnthropic } from "../../test/helpers/fake-anthropic";
import { registeredTrainer } from "../../test/helpers/registered";
import { testSettings, waitFor } from "../../test/helpers/temp";
import { startDaemon } from "../daemon";
import { checkClaude } from "./check";

let fake: FakeAnthropic | null = null;
afterEach(async () => {
  await fake?.close();
  fake = null;
});

const settingsFor = (apiKey: string | null, baseURL: string | null, model = "claude-sonnet-5-5") => ({ ...testSettings("/tmp"), anthropic: { apiKey, baseURL, model } });

describe("checkClaude", () => {
  it("lists the models a working key may use, and says when the runner's model is not among them", async () => {
    fake = await startFakeAnthropic([]);
    expect(await checkClaude(settingsFor("test-key", fake.url))).toMatchObject({ configured: true, ok: true, models: expect.arrayContaining(["claude-opus-5-5", "claude-sonnet-5-5"]), note: null });
    expect(await checkClaude(settingsFor("test-key", fake.url, "claude-sonnet-9"))).toMatchObject({
      ok: true,
      note: expect.stringContaining("OVERSEER_CLAUDE_MODEL claude-sonnet-9 is not among the models this key can use"),
    });
  });

  it("says plainly that the key was refused", async () => {
    fake = await startFakeAnthropic([], { apiKey: "the-right-key" });
    expect(await checkClaude(settingsFor("a-wrong-key", fake.url))).toMatchObject({
      configured: true,
      ok: false,
      error: expect.stringMatching(/refused the key \(401 authentication_error: invalid x-api-key\)/),
    });
  });

  it("without a key, or an API it cannot reach, says so and no more", async () => {
    expect(await checkClaude(settingsFor(null, null))).toEqual({ configured: false });
    expect(await checkClaude(settingsFor("k", "http://127.0.0.1:9"))).toMatchObject({ configured: true, ok: true, models: null, note: expect.stringContaining("the Models API could not be asked") });
  });

  it("the daemon writes what it found to its lease, for the dashboard", async () => {
    fake = await startFakeAnthropic([], { apiKey: "the-right-key" });
    const { dataDir, db } = await registeredTrainer("ok.mjs");
    const daemon = await startDaemon({
      db,
      settings: { ...testSettings(dataDir), anthropic: { apiKey: "a-wrong-key", baseURL: fake.url, model: "claude-sonnet-5-5" } },
      pollMs: 20,
      log: () => undefined,
    });
    try {
      const json = await waitFor(() => readLease(db)?.claudeJson, 10_000, "the claude check");
      expect(JSON.parse(json)).toMatchObject({ configured: true, ok: false, model: "claude-sonnet-5-5" });
    } finally {
      await daemon.stop();
    }
  });
});
