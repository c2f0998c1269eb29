import fs from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { tempDir } from "../test/helpers/temp";
import { readLogTail } from "./log-tail";

describe("a run's crash tail", () => {
  afterEach(() => {
    delete process.env.OVERSEER_TEST_API_KEY;
  });
  it("carries none of the runner's secrets out, whatever the run printed", () => {
    process.env.OVERSEER_TEST_API_KEY = "sk-test-0123456789abcdef";
    const log = path.join(tempDir(), "run.log");
    fs.writeFileSync(log, "step 1\nTraceback (most recent call last):\nKeyError: 'ANTHROPIC_API_KEY=sk-test-0123456789abcdef'\n");
    const tail = readLogTail(log)!;
    expect(tail).toContain("KeyError");
    expect(tail).not.toContain("sk-test-0123456789abcdef");
    expect(tail).toContain("[OVERSEER_TEST_API_KEY redacted]");
  });
});
