/** A session's options: the proposer, the approval policy, the stop conditions and the noise handling. */
import { z } from "zod";
import { EFFORTS, MODEL_ID } from "./claude/models";

export const PROPOSERS = ["mutate", "claude", "manual"] as const;
export type ProposerName = (typeof PROPOSERS)[number];

export const sessionOptionsSchema = z.object({
  proposer: z.enum(PROPOSERS).default("mutate"),
  /** What waits for a human: "risky" medium and high risk, "auto" only high, "all" everything (core/gate's needsHuman). */
  approve: z.enum(["auto", "risky", "all"]).default("risky"),
  /** Stop conditions; null means no limit. Experiments count proposals, not the baseline. */
  maxExperiments: z.number().int().positive().nullable().default(null),
  maxWallSeconds: z.number().positive().nullable().default(null),
  maxCostUsd: z.number().positive().nullable().default(null),
  plateau: z.number().int().positive().nullable().default(null),
  /**
   * Runs of the unmodified code, to measure the metric's noise (σ needs at least 2). Three by default: with one,
   * any gain above minImprovement is kept, luck included (tiny-lm's baseline spans ±3% run to run on a busy machine).
   */
  baselineRuns: z.number().int().min(1).max(20).default(3),
  /** Runs a candidate may get in all when its gain is within the noise. */
  maxRunsPerCandidate: z.number().int().min(1).max(10).default(2),
  /** A gain still within the noise after its runs: discarded ("rerun"), or held for a human to keep or discard ("ask"). */
  withinNoise: z.enum(["rerun", "ask"]).default("rerun"),
  /** Fixes the proposer may attempt after a crash, per idea. */
  maxFixAttempts: z.number().int().min(0).max(10).default(2),
  seed: z.number().int().min(0).default(0),
  /** A second model that reads each diff; the verdict is the stricter of it and the rules. Needs ANTHROPIC_API_KEY. */
  reviewer: z.enum(["none", "claude"]).default("none"),
  /** Where runs cannot be sandboxed (no bubblewrap), nothing runs unattended: every candidate waits for a human. On by default. */
  requireSandbox: z.boolean().default(true),
  model: z.string().regex(MODEL_ID, "a model id such as claude-sonnet-5-5").optional(),
  /** How hard Claude thinks (output_config.effort); null leaves it to the model. High by default for the proposer. */
  effort: z.enum(EFFORTS).nullable().default("high"),
  /** The reviewer's effort: reading one diff needs less. */
  reviewerEffort: z.enum(EFFORTS).nullable().default("medium"),
  /** Read-only tool calls one proposal may make before it must propose. */
  maxToolCalls: z.number().int().min(0).max(100).default(12),
  /** US dollars one proposal may spend (all its calls); null: no limit but the session's. */
  maxProposalCostUsd: z.number().positive().nullable().default(2),
  /** Candidates that may wait for a human at once (an approval, a keep or discard) while the GPUs run the rest; past it nothing more is proposed. */
  maxWaiting: z.number().int().min(1).max(50).default(3),
  /** Proposals failing in a row (the API down, answers unusable) before the session pauses instead of spinning. */
  maxFailedProposals: z.number().int().min(1).max(100).default(3),
  /** Where its runs execute, over the workspace's `backend`; null: the workspace's. */
  backend: z.enum(["local", "slurm"]).nullable().default(null),
  /** The GPUs (nvidia-smi indexes) the session runs on, one experiment on each at once; null: all it finds. */
  gpus: z.array(z.number().int().min(0).max(63)).min(1).max(64).nullable().default(null),
});

export type SessionOptions = z.infer<typeof sessionOptionsSchema>;
