/** Builds what a proposer sees from the database and the best commit, and the read-only workbench it may use. */
import { firstRunThreshold } from "../../core/decide";
import { CRASH_STATUSES } from "../../core/types";
import type { GateVerdict } from "../../core/gate";
import type { WorkspaceConfig } from "../../core/workspace-config";
import type { Db } from "../../db/open";
import { recordApiCall } from "../../db/queries/api-calls";
import { listExperiments, listWorkspaceConfigSigs } from "../../db/queries/experiments";
import { listDecisions } from "../../db/queries/human-decisions";
import { listSteeringNotes, sessionOptions, type SessionRow } from "../../db/queries/sessions";
import { readFilesAt, type SessionGit } from "../session-git";
import type { ApiMeter, HumanNote, Notebook, ProposalContext } from "../proposers/types";
import { factsOfRun, lastRunsOf, sessionWorkbench } from "./workbench";

/** Records a session's API calls as they happen: the session's cost follows each one (db/queries/api-calls). */
export function sessionMeter(db: Db, sessionId: number, experimentId: number | null = null): ApiMeter {
  return (c) =>
    recordApiCall(db, {
      sessionId,
      experimentId,
      role: c.role,
      model: c.model,
      outcome: c.outcome,
      stopReason: c.stopReason,
      httpStatus: c.httpStatus,
      inputTokens: c.tokens.input,
      outputTokens: c.tokens.output,
      cacheWrite5mTokens: c.tokens.cacheWrite5m,
      cacheWrite1hTokens: c.tokens.cacheWrite1h,
      cacheReadTokens: c.tokens.cacheRead,
      costUsd: c.costUsd,
      error: c.error,
      durationMs: c.durationMs,
      at: Date.now(),
    }).id;
}

async function readOptional(g: SessionGit, commit: string, file: string): Promise<string | null> {
  try {
    return (await readFilesAt(g, commit, [file]))[file] ?? null;
  } catch {
    return null; // not in the workspace (no research brief, a protected file listed but absent)
  }
}

export async function buildProposalContext(db: Db, s: SessionRow, g: SessionGit, config: WorkspaceConfig): Promise<ProposalContext> {
  const options = sessionOptions(s);
  const experiments = listExperiments(db, s.id);
  const files = await readFilesAt(g, s.bestCommit, config.editable);
  const instructions = await readOptional(g, s.bestCommit, config.instructions);
  const readOnlyFiles: Record<string, string> = {};
  for (const f of config.protected) {
    const text = await readOptional(g, s.bestCommit, f);
    if (text !== null) readOnlyFiles[f] = text;
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
  const steering = listSteeringNotes(db, s.id);
  const humanNotes: HumanNote[] = steering.map((n) => ({ kind: "steering", at: n.createdAt, text: n.text }));
  for (const e of experiments.filter((x) => x.status === "rejected")) {
    const d = listDecisions(db, e.id)
      .filter((x) => x.action === "rejected")
      .at(-1);
    if (d) humanNotes.push({ kind: "rejection", at: d.at, text: d.note ?? "(no note)", idx: e.idx, title: e.title });
  }
  humanNotes.sort((a, b) => a.at - b.at);
  const recentBlocks = experiments
    .filter((e) => e.verdictJson && (JSON.parse(e.verdictJson) as GateVerdict).level === "blocked")
    .slice(-5)
    .map((e) => ({ idx: e.idx, title: e.title, reasons: (JSON.parse(e.verdictJson!) as GateVerdict).reasons.filter((r) => r.level === "blocked" || !r.level).map((r) => r.message) }));
  const lastRuns = lastRunsOf(db, experiments);
  const baselineRuns = experiments[0] ? (JSON.parse(experiments[0].runIdsJson) as number[]).length : 0;
  const bestExp = experiments.find((e) => e.id === s.bestExperimentId);
  const bestRuns = Math.max(1, bestExp ? (JSON.parse(bestExp.runIdsJson) as number[]).length : baselineRuns);
  const sigma = s.noiseSigma;
  return {
    instructions,
    files,
    protectedFiles: config.protected,
    readOnlyFiles,
    metric: config.metric,
    best: s.bestValue,
    bestCommit: s.bestCommit,
    budgetSeconds: config.budgetSeconds,
    noise: { sigma, keepThreshold: firstRunThreshold(sigma, bestRuns, config.minImprovement), minImprovement: config.minImprovement, baselineRuns, bestRuns },
    history: experiments.map((e) => ({
      idx: e.idx,
      title: e.title,
      status: e.status,
      metricValue: e.metricValue,
      delta: e.delta,
      reason: e.reason,
      diff: e.diff,
      result: factsOfRun(lastRuns.get(e.id)),
      notebook: e.notebookJson ? (JSON.parse(e.notebookJson) as Notebook) : null,
      decidedAt: e.decidedAt,
    })),
    lastCrash,
    steering: steering.map((n) => n.text),
    humanNotes,
    recentBlocks,
    // Tried in any session of the workspace: a new session does not spend its budget on last night's configurations.
    tried: new Set([...experiments.map((e) => e.configSig).filter((x): x is string => !!x), ...listWorkspaceConfigSigs(db, s.workspaceId)]),
    seed: options.seed * 1_000_003 + experiments.length,
    workbench: sessionWorkbench(db, s.id, g, s.bestCommit),
    meter: sessionMeter(db, s.id),
  };
}
