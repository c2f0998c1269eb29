/** Picks a proposer by name. `manual` proposes nothing itself: a human submits each proposal. */
import type { SessionOptions } from "../../core/session-options";
import type { Settings } from "../../core/settings";
import { claudeProposer } from "./claude";
import { mutateProposer } from "./mutate";
import type { Proposer } from "./types";

const manualProposer: Proposer = {
  name: "manual",
  async propose() {
    return { kind: "no_change", reason: "the manual proposer waits for a human's proposal", costUsd: 0 };
  },
};

export function createProposer(options: SessionOptions, settings: Settings, log?: (line: string) => void): Proposer {
  const name = options.proposer;
  switch (name) {
    case "mutate":
      return mutateProposer;
    case "manual":
      return manualProposer;
    case "claude": {
      const { apiKey, baseURL } = settings.anthropic;
      if (!apiKey)
        throw new Error(
          "the claude proposer needs ANTHROPIC_API_KEY: export ANTHROPIC_API_KEY=… before starting Overseer (and ANTHROPIC_BASE_URL for a compatible server), or use the offline proposer, mutate.",
        );
      return claudeProposer({
        apiKey,
        baseURL: baseURL ?? undefined,
        model: options.model ?? settings.anthropic.model,
        effort: options.effort,
        maxToolCalls: options.maxToolCalls,
        maxCostUsd: options.maxProposalCostUsd,
        log,
      });
    }
    default: {
      const never: never = name;
      throw new Error(`unknown proposer ${String(never)}`);
    }
  }
}
