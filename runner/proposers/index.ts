/** Picks a proposer by name. `manual` proposes nothing itself: a human submits each proposal. */
import type { ProposerName } from "../../core/session-options";
import { mutateProposer } from "./mutate";
import type { Proposer } from "./types";

const manualProposer: Proposer = {
  name: "manual",
  async propose() {
    return { kind: "no_change", reason: "the manual proposer waits for a human's proposal", costUsd: 0 };
  },
};

export function createProposer(name: ProposerName): Proposer {
  switch (name) {
    case "mutate":
      return mutateProposer;
    case "manual":
      return manualProposer;
    case "claude":
      throw new Error("the claude proposer is not available yet; use --proposer mutate");
    default: {
      const never: never = name;
      throw new Error(`unknown proposer ${String(never)}`);
    }
  }
}
