/**
 * The SQLite schema: the contract between the runner and the web process. The runner writes everything
 * except a human's requests (start a run, cancel), which the web writes as rows the runner reads.
 * If you change a table, run `npm run db:generate` and commit the new migration.
 */
import { sqliteTable, integer, text, real, index } from "drizzle-orm/sqlite-core";
import type { RunStatus } from "../core/types";

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
    /** Who asked for it: "web" (queued for the runner daemon) or "cli" (run in the foreground). */
    origin: text("origin").$type<"web" | "cli">().notNull(),
    commitSha: text("commit_sha"),
    requestedAt: integer("requested_at").notNull(),
    startedAt: integer("started_at"),
    endedAt: integer("ended_at"),
    /** The config the run used (snapshot), so the page does not depend on today's overseer.json. */
    configJson: text("config_json"),
    reason: text("reason"),
    metricName: text("metric_name"),
    metricValue: real("metric_value"),
    summaryJson: text("summary_json"),
    exitCode: integer("exit_code"),
    signal: text("signal"),
    pid: integer("pid"),
    logPath: text("log_path"),
    logTail: text("log_tail"),
    lastStep: real("last_step"),
    pointCount: integer("point_count").notNull().default(0),
    cancelRequestedAt: integer("cancel_requested_at"),
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
  startedAt: integer("started_at").notNull(),
  heartbeatAt: integer("heartbeat_at").notNull(),
});
