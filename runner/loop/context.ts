/** Builds what a proposer sees from the database and the best commit. */
import { CRASH_STATUSES } from "../../core/types";
import type { WorkspaceConfig } from "../../core/workspace-config";
import type { Db } from "../../db/open";
import { listExperiments } from "../../db/queries/experiments";
import { listSteeringNotes, sessionOptions, type SessionRow } from "../../db/queries/sessions";
import { readFilesAt, type SessionGit } from "../session-git";
import type { ProposalContext } from "../proposers/types";


export async function buildProposalContext(db: Db, s: SessionRow, g: SessionGit, config: WorkspaceConfig): Promise<ProposalContext> {
  const options = sessionOptions(s);
  const experiments = listExperiments(db, s.id);
  const files = await readFilesAt(g, s.bestCommit, config.editable);
  let instructions: string | null = null;
  try {
    instructions = (await readFilesAt(g, s.bestCommit, [config.instructions]))[config.instructions] ?? null;
  } catch {
    instructions = null; // a workspace without a research brief
  }
  const decided = experiments.filter((e) => e.decidedAt !== null).sort((a, b) => a.decidedAt! - b.decidedAt!);
  const last = decided[decided.length - 1];
  let lastCrash: ProposalContext["lastCrash"] = null;
  if (last && CRASH_STATUSES.includes(last.status)) {
    // Fixes of the same idea form a chain through fixOf; stop offering fixes past the limit.
    let attempts = 0;
    for (let e = last; e.fixOf !== null; attempts++) {
      const prev = experiments.find((x) => x.idx === e.fixOf);
      if (!prev) break;
      e = prev;
    }
    if (attempts < options.maxFixAttempts) lastCrash = { idx: last.idx, title: last.title, logTail: last.reason ?? "" };
  }
  return {
    instructions,
    files,
    protectedFiles: config.protected,
    metric: config.metric,
    best: s.bestValue,
    budgetSeconds: config.budgetSeconds,
    history: experiments.map((e) => ({ idx: e.idx, title: e.title, status: e.status, metricValue: e.metricValue, delta: e.delta, reason: e.reason, diff: e.diff })),
    lastCrash,
    steering: listSteeringNotes(db, s.id).map((n) => n.text),
    tried: new Set(experiments.map((e) => e.configSig).filter((x): x is string => !!x)),
    seed: options.seed * 1_000_003 + experiments.length,
  };
}
