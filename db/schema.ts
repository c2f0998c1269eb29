/**
 * The SQLite schema: the contract between the runner and the web process. The runner writes everything
 * except a human's requests (start a run, cancel), which the web writes as rows the runner reads.
 * If you change a table, run `npm run db:generate` and commit the new migration.
 */
import type { DecisionSource } from "../core/decision-source";
import { sqliteTable, integer, text, real, index, blob, primaryKey } from "drizzle-orm/sqlite-core";
import type { ExperimentStatus, RunStatus, SessionStatus } from "../core/types";

export const workspaces = sqliteTable("workspaces", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  name: text("name").notNull(),
  /** Absolute path of the folder that holds overseer.json (may be a subfolder of the repository). */
  path: text("path").notNull().unique(),
  repoRoot: text("repo_root").notNull(),
  /** path relative to repoRoot; "" when the workspace is the repository's root. */
  subdir: text("subdir").notNull(),
  /** The validated config as last read, or null when it is invalid (then configError says why). */
  configJson: text("config_json"),
  configError: text("config_error"),
  createdAt: integer("created_at").notNull(),
});

export const runs = sqliteTable(
  "runs",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    workspaceId: integer("workspace_id")
      .notNull()
      .references(() => workspaces.id),
    status: text("status").$type<RunStatus>().notNull(),
    /** Who asked for it: "web" (queued for the runner daemon), "cli" (run in the foreground), "session" (a loop),
     * "import" (an autoresearch run.log adopted by `overseer import`). */
    origin: text("origin").$type<"web" | "cli" | "session" | "import">().notNull(),
    commitSha: text("commit_sha"),
    requestedAt: integer("requested_at").notNull(),
    startedAt: integer("started_at"),
    endedAt: integer("ended_at"),
    /** The config the run used (snapshot), so the page does not depend on today's overseer.json. */
    configJson: text("config_json"),
    reason: text("reason"),
    metricName: text("metric_name"),
    metricValue: real("metric_value"),
    /** With trusted evaluation: the metric the training run printed itself (metricValue is the evaluation's). */
    reportedMetric: real("reported_metric"),
    /** With trusted evaluation: { command, logPath, durationMs, summary } of the evaluation that scored the run. */
    evaluationJson: text("evaluation_json"),
    summaryJson: text("summary_json"),
    exitCode: integer("exit_code"),
    signal: text("signal"),
    pid: integer("pid"),
    /** Which process `pid` was (runner/process-identity): a pid reused since, or from before a reboot, is not ours. */
    pidIdentity: text("pid_identity"),
    /** The process driving the run, "<host>:<pid>:<identity>" (runner/process-identity): once it is gone, any runner reconciles the run. */
    driver: text("driver"),
    logPath: text("log_path"),
    logTail: text("log_tail"),
    lastStep: real("last_step"),
    pointCount: integer("point_count").notNull().default(0),
    /** The id of its newest metric point: bounds the scans of its points after a summary (db/queries/metrics). */
    lastPointId: integer("last_point_id"),
    cancelRequestedAt: integer("cancel_requested_at"),
    /** Why the runtime guards distrust the result (summary shape, time): its keep waits for a human. One per line. */
    suspicion: text("suspicion"),
    /** What the guards did: { sandbox, hashed, changed } (runner/guards). */
    guardsJson: text("guards_json"),
    /** The GPU it ran on (core/gpu GpuIdentity, plus peakMemoryMb seen by the sampler); null on a CPU-only machine. */
    gpuJson: text("gpu_json"),
    /** Why a queued run has not started yet (a GPU still holding an earlier process's memory, a Slurm queue); null otherwise. */
    waitingFor: text("waiting_for"),
    /** Where it executes when not a local process: { backend: "slurm", jobId } (runner/backends). */
    backendJson: text("backend_json"),
    /**
     * What a runner needs to take a Slurm run over after a restart and finish it as its own: the protected files'
     * fingerprints from before it ran and its checkout's git folder ({ before, gitDir }; runner/execute-run).
     */
    resumeJson: text("resume_json"),
  },
  (t) => [index("runs_workspace_idx").on(t.workspaceId, t.id), index("runs_status_idx").on(t.status)],
);

export const metricPoints = sqliteTable(
  "metric_points",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    runId: integer("run_id")
      .notNull()
      .references(() => runs.id),
    series: text("series").notNull(),
    step: real("step").notNull(),
    /** Milliseconds since the run started, when the runner read the record. */
    tMs: integer("t_ms").notNull(),
    value: real("value").notNull(),
  },
  (t) => [index("metric_points_run_series_step_idx").on(t.runId, t.series, t.step)],
);

/**
 * Each series of a run decimated as it was written (core/series-summary), through a metric point id: the
 * dashboard draws a run of a million points from this and the few points stored after it.
 */
export const seriesSummaries = sqliteTable(
  "series_summaries",
  {
    runId: integer("run_id")
      .notNull()
      .references(() => runs.id),
    series: text("series").notNull(),
    throughId: integer("through_id").notNull(),
    stateJson: text("state_json").notNull(),
  },
  (t) => [primaryKey({ columns: [t.runId, t.series] })],
);

/** Append-only; ids increase, so a reconnecting browser resumes from the last id it saw. */
export const events = sqliteTable(
  "events",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    at: integer("at").notNull(),
    type: text("type").notNull(),
    workspaceId: integer("workspace_id"),
    runId: integer("run_id"),
    payloadJson: text("payload_json"),
  },
  (t) => [index("events_run_idx").on(t.runId, t.id)],
);

/** One row: the runner daemon that owns this database, and its heartbeat. */
export const runnerLease = sqliteTable("runner_lease", {
  id: integer("id").primaryKey(),
  owner: text("owner").notNull(),
  pid: integer("pid").notNull(),
  /** Which process `pid` is (runner/process-identity): a dead runner's zombie or a reused pid does not hold the lease. */
  pidIdentity: text("pid_identity"),
  startedAt: integer("started_at").notNull(),
  heartbeatAt: integer("heartbeat_at").notNull(),
  /** What isolates runs on this runner's machine ("bubblewrap …"), or why nothing does ("unavailable: …"). */
  sandbox: text("sandbox"),
  /** The GPUs it found (core/gpu GpuIdentity[]), [] on a CPU-only machine; null before it looked. */
  gpusJson: text("gpus_json"),
  /** What the runner learned of the Claude API with its key (core/claude/status ClaudeStatus): the web holds no key. */
  claudeJson: text("claude_json"),
  /** The runner's `overseer doctor` of its machine ({ checkedAt, checks: core/doctor DoctorCheck[] }), for the home page. */
  doctorJson: text("doctor_json"),
  /** When the dashboard asked the runner to check its machine again (the web runs no probe itself). */
  doctorRequestedAt: integer("doctor_requested_at"),
});

/** A research loop on one workspace, on its own branch overseer/<tag>. */
export const sessions = sqliteTable("sessions", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  workspaceId: integer("workspace_id")
    .notNull()
    .references(() => workspaces.id),
  tag: text("tag").notNull(),
  branch: text("branch").notNull(),
  /** running | paused | stopped | finished | failed */
  status: text("status").$type<SessionStatus>().notNull(),
  /** Who drives it: "web" (the runner daemon), "cli" (an `overseer loop` process in the foreground), or
   * "import" (an autoresearch session adopted by `overseer import`, which nothing drives). */
  origin: text("origin").$type<"web" | "cli" | "import">().notNull(),
  /** The process driving its loop now, "<host>:<pid>:<identity>" (runner/process-identity); null when none does. One at a time. */
  driver: text("driver"),
  proposer: text("proposer").notNull(),
  /** The session's options (stop conditions, approval policy, noise handling), as JSON. */
  optionsJson: text("options_json").notNull(),
  baselineCommit: text("baseline_commit").notNull(),
  bestCommit: text("best_commit").notNull(),
  bestValue: real("best_value"),
  bestExperimentId: integer("best_experiment_id"),
  /** The metric's standard deviation over the baseline's repeated runs. */
  noiseSigma: real("noise_sigma"),
  costUsd: real("cost_usd").notNull().default(0),
  trainingMs: integer("training_ms").notNull().default(0),
  createdAt: integer("created_at").notNull(),
  endedAt: integer("ended_at"),
  stopReason: text("stop_reason"),
  /** A human's request, read by the loop: "pause" | "stop" | null (resume clears it). */
  requested: text("requested").$type<"pause" | "stop" | null>(),
  /** The GPUs its loop runs on (core/gpu GpuIdentity[]), one experiment on each at once; [] on a CPU-only machine. */
  gpusJson: text("gpus_json"),
  /** A human's labels (core/tags), a sorted JSON array. */
  tagsJson: text("tags_json").notNull().default("[]"),
});

export const experiments = sqliteTable(
  "experiments",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    sessionId: integer("session_id")
      .notNull()
      .references(() => sessions.id),
    /** 0 for the baseline, then 1, 2, … in the order they were proposed. */
    idx: integer("idx").notNull(),
    kind: text("kind").$type<"baseline" | "proposal" | "fix">().notNull(),
    status: text("status").$type<ExperimentStatus>().notNull(),
    /** What it does: the proposer's words, or a description of a human's edit of them. */
    title: text("title").notNull(),
    hypothesis: text("hypothesis"),
    /** The proposer's title and hypothesis, kept when a human's edit replaced them; null while unedited. */
    proposedTitle: text("proposed_title"),
    proposedHypothesis: text("proposed_hypothesis"),
    proposer: text("proposer").notNull(),
    /** The proposal's edits, as JSON; null for the baseline. */
    editsJson: text("edits_json"),
    /** The values of the candidate's constants (core/mutate configSignature): a repeat is never proposed. */
    configSig: text("config_sig"),
    /** A step's crash that this experiment tries to fix, by idx. */
    fixOf: integer("fix_of"),
    parentCommit: text("parent_commit"),
    commitSha: text("commit_sha"),
    diff: text("diff"),
    /** sha256 of `diff`: an approval names the diff it approves, so an edited or rebuilt diff needs a new one. */
    diffHash: text("diff_hash"),
    verdictJson: text("verdict_json"),
    /** Why it ended as it did (the decision's reason, the gate's, a human's note). */
    reason: text("reason"),
    metricValue: real("metric_value"),
    /** The improvement over the best at its start (positive is better, whatever the goal). */
    delta: real("delta"),
    /** What its keep or discard rested on (core/decide DecisionEvidence: n, m, σ, threshold, effect), as JSON. */
    evidenceJson: text("evidence_json"),
    /** The runs of this experiment (the baseline and noisy gains run more than once), as a JSON array of ids. */
    runIdsJson: text("run_ids_json").notNull().default("[]"),
    costUsd: real("cost_usd").notNull().default(0),
    tokensJson: text("tokens_json"),
    humanNote: text("human_note"),
    /** A human's keep or discard of a gain within the noise; the loop applies it (it moves the branch). */
    humanVerdict: text("human_verdict").$type<"kept" | "discarded">(),
    /** A human edited the candidate before approving it: the commit is co-authored. */
    humanEdited: integer("human_edited", { mode: "boolean" }).notNull().default(false),
    /** Where it was when its session stopped (interrupted); resuming the session puts it back there. Null otherwise. */
    interruptedFrom: text("interrupted_from").$type<ExperimentStatus>(),
    /** Its reason when the stop came (a run held as forged, say): put back when the session resumes. */
    reasonBeforeStop: text("reason_before_stop"),
    /** The editable files it changed (all of them for the baseline): { file: { before, after } } as snapshot hashes. */
    filesJson: text("files_json"),
    /** The peak GPU memory of its last run (autoresearch's peak_vram_mb), for results.tsv's memory_gb. */
    peakVramMb: real("peak_vram_mb"),
    /** The proposer's lab notebook for this proposal: { learned, next } (what the results taught it, what it would try next). */
    notebookJson: text("notebook_json"),
    /** A human's labels (core/tags), a sorted JSON array. */
    tagsJson: text("tags_json").notNull().default("[]"),
    /**
     * Derived from the snapshots, kept so that a session's hyperparameter views need not inflate 10,000 files:
     * { key, files: { file: { NAME: value } }, axis } (db/queries/experiment-analysis). Null until first asked for.
     */
    analysisJson: text("analysis_json"),
    createdAt: integer("created_at").notNull(),
    decidedAt: integer("decided_at"),
  },
  (t) => [index("experiments_session_idx").on(t.sessionId, t.idx), index("experiments_session_commit_idx").on(t.sessionId, t.commitSha)],
);

/** Every human decision on an experiment, with where it came from and the diff it was about: its history. */
export const decisions = sqliteTable(
  "decisions",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    experimentId: integer("experiment_id")
      .notNull()
      .references(() => experiments.id),
    action: text("action").$type<"approved" | "rejected" | "edited" | "kept" | "discarded">().notNull(),
    source: text("source").$type<DecisionSource>().notNull(),
    diffHash: text("diff_hash"),
    note: text("note"),
    at: integer("at").notNull(),
  },
  (t) => [index("decisions_experiment_idx").on(t.experimentId, t.id)],
);

export const steeringNotes = sqliteTable("steering_notes", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  sessionId: integer("session_id")
    .notNull()
    .references(() => sessions.id),
  text: text("text").notNull(),
  createdAt: integer("created_at").notNull(),
});

/**
 * File contents by hash, deflated: what experiments' editable files were before and after, so the dashboard
 * can show a diff in Monaco and edit a candidate without asking git (the web process starts no processes).
 * Content-addressed: a parent's files are stored once, however many candidates start from them.
 */
export const snapshots = sqliteTable("snapshots", {
  hash: text("hash").primaryKey(),
  content: blob("content", { mode: "buffer" }).notNull(),
  size: integer("size").notNull(),
});

/**
 * Every call to the Claude API, whatever became of it (answered, refused, failed, aborted): the ledger that a
 * session's and an experiment's costs are sums of. A proposal's calls are recorded as they happen, before its
 * experiment exists, and linked to it when it is recorded.
 */
export const apiCalls = sqliteTable(
  "api_calls",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    sessionId: integer("session_id")
      .notNull()
      .references(() => sessions.id),
    experimentId: integer("experiment_id").references(() => experiments.id),
    role: text("role").$type<"proposer" | "reviewer">().notNull(),
    model: text("model").notNull(),
    /** "ok" (an answer came), "error" (the API or the connection failed), "aborted" (Overseer stopped it). */
    outcome: text("outcome").$type<"ok" | "error" | "aborted">().notNull(),
    stopReason: text("stop_reason"),
    httpStatus: integer("http_status"),
    inputTokens: integer("input_tokens").notNull().default(0),
    outputTokens: integer("output_tokens").notNull().default(0),
    cacheWrite5mTokens: integer("cache_write_5m_tokens").notNull().default(0),
    cacheWrite1hTokens: integer("cache_write_1h_tokens").notNull().default(0),
    cacheReadTokens: integer("cache_read_tokens").notNull().default(0),
    /** null when Overseer knows no price for the model: shown as unknown, never guessed. */
    costUsd: real("cost_usd"),
    error: text("error"),
    durationMs: integer("duration_ms").notNull(),
    at: integer("at").notNull(),
  },
  (t) => [index("api_calls_session_idx").on(t.sessionId, t.id), index("api_calls_experiment_idx").on(t.experimentId)],
);
