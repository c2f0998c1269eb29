import { describe, expect, it } from "vitest";
import { redact, secretsOf } from "./redact";

describe("secrets out of text that leaves the runner", () => {
  const env = { ANTHROPIC_API_KEY: "sk-ant-api03-abcdefghijkl", OVERSEER_ACCESS_TOKEN: "tok-1234567890", HF_TOKEN: "short", PATH: "/usr/bin:/bin", DB_PASSWORD: "hunter2hunter2" };
  it("takes credential-named variables long enough to be keys, and nothing else", () => {
    expect(
      secretsOf(env)
        .map((s) => s.name)
        .sort(),
    ).toEqual(["ANTHROPIC_API_KEY", "DB_PASSWORD", "OVERSEER_ACCESS_TOKEN"]);
  });
  it("replaces every occurrence with the variable's name", () => {
    const text = "KeyError: 'sk-ant-api03-abcdefghijkl'\nenv=OVERSEER_ACCESS_TOKEN=tok-1234567890 sk-ant-api03-abcdefghijkl";
    expect(redact(text, secretsOf(env))).toBe("KeyError: '[ANTHROPIC_API_KEY redacted]'\nenv=OVERSEER_ACCESS_TOKEN=[OVERSEER_ACCESS_TOKEN redacted] [ANTHROPIC_API_KEY redacted]");
  });
  it("leaves text without secrets as it is", () => {
    expect(redact("loss 3.2 /usr/bin:/bin short", secretsOf(env))).toBe("loss 3.2 /usr/bin:/bin short");
  });
});
