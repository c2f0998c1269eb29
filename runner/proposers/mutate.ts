/** The offline proposer: one or two changes to top-level numeric constants, deterministic under the seed. */
import { proposeMutation } from "../../core/mutate";
import type { Proposer } from "./types";

export const mutateProposer: Proposer = {
  name: "mutate",
  async propose(ctx) {
    const m = proposeMutation(ctx.files, ctx.tried, ctx.seed, ctx.metric.name);
    if (!m) return { kind: "no_change", reason: "every configuration of the numeric constants within reach has been tried", costUsd: 0 };
    return { kind: "proposal", title: m.title, hypothesis: m.hypothesis, edits: m.edits, costUsd: 0 };
  },
};
