/**
 * What a session's page shows at a glance, sized for sessions of 10,000 experiments: counters, the progress
 * chart's dots (decimated), top hits, the experiments in flight or waiting for a human (whole), and where each
 * steering note sits. The experiment table fetches its rows a page at a time (session.experimentRows).
 */
import "server-only";
import { decimateDots, progressData, topHits } from "../core/progress";
import { sessionStats } from "../core/session-stats";
import type { ExperimentStatus } from "../core/types";
import { workspaceConfigSchema } from "../core/workspace-config";
import { apiCallTotals } from "../db/queries/api-calls";
import type { Db } from "../db/open";
import { countExperimentsSince, listExperimentOutlines, listExperimentsInStatuses } from "../db/queries/experiments";
import { listSteeringNotes, sessionOptions, type SessionRow } from "../db/queries/sessions";
import { firstRunThreshold } from "../core/decide";
import { goesOnWhenResumed } from "../core/stop-conditions";
import { closestDiscarded } from "../db/queries/nothing-kept";
import { getWorkspace, workspaceMetric } from "../db/queries/workspaces";
import { experimentView, sessionView } from "./views";

/** The progress chart is about 1,000 px wide: more columns than this are drawn on top of each other. */
const PROGRESS_COLUMNS = 600;
const ACTIVE: readonly ExperimentStatus[] = ["proposed", "awaiting_approval", "approved", "running", "awaiting_decision"];
const TITLE_IN_CHART = 80;
/** autoresearch's "top hits" lists every keep by gain; a long session's first 25 say the same. */
const TOP_HITS = 25;

export function sessionOverview(db: Db, s: SessionRow) {
  const config = workspaceConfigSchema.safeParse(JSON.parse(getWorkspace(db, s.workspaceId)?.configJson ?? "{}"));
  const metric = workspaceMetric(db, s.workspaceId);
  const minImprovement = config.success ? config.data.minImprovement : 0;
  const outlines = listExperimentOutlines(db, s.id);
  const { dots, best } = progressData(outlines, metric.goal);
  const hits = topHits(outlines, metric.goal);
  return {
    session: sessionView(s),
    metric,
    count: outlines.length,
    stats: sessionStats(outlines, s.bestValue),
    progress: {
      // Only keeps are labelled; other dots say their index and value, and open their experiment.
      dots: decimateDots(dots, PROGRESS_COLUMNS).map((d) => ({ ...d, title: d.kind === "kept" ? d.title.slice(0, TITLE_IN_CHART) : "" })),
      best,
      proposals: outlines.filter((e) => e.kind !== "baseline").length,
    },
    topHits: { hits: hits.sort((a, b) => b.delta - a.delta).slice(0, TOP_HITS), of: hits.length },
    /** A resume would take up work a stop interrupted (which runs whatever the limits say). */
    interruptedWork: outlines.some(goesOnWhenResumed),
    /** The metric's noise: σ over the baseline's runs (null: it ran once), and what a first run must gain to be kept at once. */
    noise: noiseOf(s, outlines, minImprovement),
    /** With nothing kept there is no winning patch: the discarded experiments that came closest, to export instead. */
    closestDiscarded: closestDiscarded(db, s, metric.goal),
    active: listExperimentsInStatuses(db, s.id, ACTIVE).map(experimentView),
    anyDecided: outlines.some((e) => e.decidedAt !== null),
    steering: listSteeringNotes(db, s.id).map((n) => ({ ...n, newer: countExperimentsSince(db, s.id, n.createdAt) })),
    /** Every Claude API call of the session, summed: the cost, and how much of the input the prompt cache served. */
    api: apiCallTotals(db, { sessionId: s.id }),
  };
}

function noiseOf(s: SessionRow, outlines: readonly { kind: string; status: string }[], minImprovement: number) {
  const options = sessionOptions(s);
  const baseline = outlines.find((e) => e.kind === "baseline");
  const bestRuns = options.baselineRuns; // the best's runs while the baseline is the best; keeps have fewer
  return {
    measured: baseline?.status === "kept",
    sigma: s.noiseSigma,
    baselineRuns: options.baselineRuns,
    runsPerCandidate: options.maxRunsPerCandidate,
    minImprovement,
    firstRunThreshold: firstRunThreshold(s.noiseSigma, bestRuns, minImprovement),
  };
}
