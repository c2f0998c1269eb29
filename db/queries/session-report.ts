/**
 * Everything `overseer report` and the session page's report button put in a session's shareable report, read
 * from the database: the progress, the kept chain with each keep's diff and gain, the discards that came
 * closest, the noise, cost and GPU time, the hyperparameter views' data and the hardware.
 */
import { inArray } from "drizzle-orm";
import type { GpuIdentity } from "../../core/gpu";
import { bestDiscarded } from "../../core/nothing-kept";
import { decimateDots, progressData, topHits } from "../../core/progress";
import type { SessionReport } from "../../core/report-html";
import { sessionStats } from "../../core/session-stats";
import type { Db } from "../open";
import { experiments } from "../schema";
import { apiCallTotals } from "./api-calls";
import { listExperimentOutlines } from "./experiments";
import { sessionHyperparameters } from "./hyperparameter-views";
import type { SessionRow } from "./sessions";
import { getWorkspace, workspaceMetric } from "./workspaces";

/** The progress chart is about 940 px wide: more columns than this are drawn on top of each other. */
const PROGRESS_COLUMNS = 600;
/** The discards that came closest to the best, as autoresearch's analysis lists its near misses. */
const TOP_DISCARDS = 10;

export function sessionReport(db: Db, s: SessionRow, now = Date.now()): SessionReport {
  const ws = getWorkspace(db, s.workspaceId);
  const metric = workspaceMetric(db, s.workspaceId);
  const outlines = listExperimentOutlines(db, s.id);
  const { dots, best } = progressData(outlines, metric.goal);
  const hits = topHits(outlines, metric.goal);
  const details = new Map(
    hits.length === 0
      ? []
      : db
          .select({ id: experiments.id, diff: experiments.diff, hypothesis: experiments.hypothesis, commitSha: experiments.commitSha })
          .from(experiments)
          .where(
            inArray(
              experiments.id,
              hits.map((h) => h.id),
            ),
          )
          .all()
          .map((d) => [d.id, d]),
  );
  const api = apiCallTotals(db, { sessionId: s.id });
  return {
    generatedAt: now,
    session: { id: s.id, tag: s.tag, branch: s.branch, status: s.status, proposer: s.proposer, createdAt: s.createdAt, endedAt: s.endedAt, origin: s.origin },
    workspace: ws ? { name: ws.name, path: ws.path } : null,
    metric,
    stats: sessionStats(outlines, s.bestValue),
    best: s.bestValue,
    progress: { dots: decimateDots(dots, PROGRESS_COLUMNS), best },
    chain: hits.map((h) => ({ ...h, diff: details.get(h.id)?.diff ?? null, hypothesis: details.get(h.id)?.hypothesis ?? null, commitSha: details.get(h.id)?.commitSha ?? null })),
    topDiscards: bestDiscarded(outlines, metric.goal, TOP_DISCARDS).map(({ id, idx, title, metricValue }) => ({ id, idx, title, metricValue })),
    noise: { sigma: s.noiseSigma },
    cost: { usd: s.costUsd, calls: api.calls, inputTokens: api.inputTokens, outputTokens: api.outputTokens },
    time: { trainingMs: s.trainingMs, wallMs: (s.endedAt ?? now) - s.createdAt },
    gpus: s.gpusJson ? (JSON.parse(s.gpusJson) as GpuIdentity[]) : null,
    hyperparameters: sessionHyperparameters(db, s),
  };
}
