import { describe, expect, it } from "vitest";
import { buildChildEnv, webProcessEnv } from "./child-env";

describe("buildChildEnv", () => {
  const parent = { PATH: "/usr/bin", HOME: "/home/r", LANG: "C.UTF-8", CUDA_VISIBLE_DEVICES: "1", ANTHROPIC_API_KEY: "sk-secret", AWS_SECRET_ACCESS_KEY: "x", HF_HOME: "/cache/hf" };

  it("passes the allowlist and PYTHONUNBUFFERED, never a secret", () => {
    expect(buildChildEnv(parent, [])).toEqual({ PATH: "/usr/bin", HOME: "/home/r", LANG: "C.UTF-8", CUDA_VISIBLE_DEVICES: "1", PYTHONUNBUFFERED: "1" });
  });

  it("adds the workspace's extra names when they are set, and fixed values last", () => {
    expect(buildChildEnv(parent, ["HF_HOME", "UNSET_NAME"], { OVERSEER_RUN_ID: "7" })).toMatchObject({ HF_HOME: "/cache/hf", OVERSEER_RUN_ID: "7" });
    expect(buildChildEnv(parent, ["UNSET_NAME"])).not.toHaveProperty("UNSET_NAME");
  });
});

describe("webProcessEnv", () => {
  it("gives the web process Overseer's settings and the system's basics, never a secret", () => {
    const parent = {
      PATH: "/usr/bin",
      HOME: "/home/r",
      LC_ALL: "C.UTF-8",
      OVERSEER_PORT: "3000",
      OVERSEER_TOKEN: "t".repeat(30),
      ANTHROPIC_API_KEY: "sk-secret",
      SLACK_WEBHOOK_URL: "https://hooks.slack.com/services/secret",
      AWS_SECRET_ACCESS_KEY: "x",
      NODE_OPTIONS: "--max-old-space-size=4096",
    };
    expect(webProcessEnv(parent)).toEqual({ PATH: "/usr/bin", HOME: "/home/r", LC_ALL: "C.UTF-8", OVERSEER_PORT: "3000", NODE_OPTIONS: "--max-old-space-size=4096" });
  });
});
