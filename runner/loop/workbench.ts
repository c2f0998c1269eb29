/**
 * The proposer's read-only view of a session (runner/proposers/workbench.ts): files at the best commit through
 * git, experiments, diffs, run logs and curves through the database. Answers are bounded so that one tool call
 * cannot flood a model's context; paths outside the workspace and secret-looking files are refused.
 */
import fs from "node:fs";
import { sampleEvenly } from "../../core/decimate";
import { resultFacts } from "../../core/result-facts";
import type { Db } from "../../db/open";
import { listExperiments, type ExperimentRow } from "../../db/queries/experiments";
import { seriesNames, seriesPoints } from "../../db/queries/metrics";
import { getRun, getRuns, type RunRow } from "../../db/queries/runs";
import { git } from "../git";
import { readLogInChunks, readLogTail, withoutSecrets } from "../log-tail";
import type { SessionGit } from "../session-git";
import { fileAtCommit } from "../git";
import type { ExperimentListing, Workbench } from "../proposers/workbench";

const MAX_FILE_BYTES = 256 * 1024;
const MAX_LOG_LINES = 400;
/** Files whose names say they hold credentials are never handed to a model. */
const SECRET_NAME = /(^|\/)(\.env(\..*)?|.*\.pem|.*\.key|id_[a-z0-9]+|\.netrc|credentials(\.json)?)$/i;

const lastRunId = (e: ExperimentRow) => (JSON.parse(e.runIdsJson) as number[]).at(-1);

export function lastRunOf(db: Db, e: ExperimentRow): RunRow | undefined {
  const id = lastRunId(e);
  return id === undefined ? undefined : getRun(db, id);
}

/** Each experiment's last run, in one query: a long session's context is not thousands of lookups. */
export function lastRunsOf(db: Db, experiments: readonly ExperimentRow[]): Map<number, RunRow> {
  const byId = new Map(
    getRuns(
      db,
      experiments.map(lastRunId).filter((x): x is number => x !== undefined),
    ).map((r) => [r.id, r]),
  );
  return new Map(
    experiments.flatMap((e) => {
      const r = byId.get(lastRunId(e) ?? -1);
      return r ? [[e.id, r] as const] : [];
    }),
  );
}

export function factsOfRun(run: RunRow | undefined) {
  if (!run) return null;
  const summary = run.summaryJson ? (JSON.parse(run.summaryJson) as Record<string, { value: number | null }>) : {};
  return resultFacts(summary, run.lastStep, run.gpuJson ? JSON.parse(run.gpuJson) : null);
}

export function sessionWorkbench(db: Db, sessionId: number, g: SessionGit, bestCommit: string): Workbench {
  const repoPath = (f: string) => (g.subdir ? `${g.subdir}/${f}` : f);
  const byIdx = (idx: number) => listExperiments(db, sessionId).find((e) => e.idx === idx);
  const runOf = (idx: number): RunRow | { error: string } => {
    const e = byIdx(idx);
    if (!e) return { error: `there is no experiment #${idx} in this session` };
    const run = lastRunOf(db, e);
    return run ?? { error: `experiment #${idx} (${e.status}) has no run` };
  };
  return {
    async listFiles() {
      const out = await git(g.repoRoot, ["ls-tree", "-r", "--name-only", bestCommit, "--", g.subdir || "."]);
      const prefix = g.subdir ? `${g.subdir}/` : "";
      return out
        .split("\n")
        .filter(Boolean)
        .map((p) => p.slice(prefix.length))
        .filter((p) => !SECRET_NAME.test(p));
    },
    async readFile(path) {
      const clean = path.replace(/^\.\//, "");
      if (!clean || clean.startsWith("/") || clean.split("/").includes("..")) return { error: `${path}: give a path inside the workspace, relative to it (e.g. train.py)` };
      if (SECRET_NAME.test(clean)) return { error: `${path} looks like it holds credentials: it is not shown` };
      const text = await fileAtCommit(g.repoRoot, bestCommit, repoPath(clean));
      if (text === null) return { error: `${path} is not a file of the workspace at the best commit ${bestCommit.slice(0, 7)}; list_files shows what there is` };
      if (Buffer.byteLength(text) > MAX_FILE_BYTES) return { text: `${text.slice(0, MAX_FILE_BYTES)}\n… (cut at ${MAX_FILE_BYTES / 1024} KB of ${Math.round(Buffer.byteLength(text) / 1024)} KB)` };
      return { text };
    },
    listExperiments({ status, offset = 0, limit = 50 }) {
      const rows = listExperiments(db, sessionId).filter((e) => !status || e.status === status);
      const page = rows.slice(Math.max(0, offset), Math.max(0, offset) + Math.min(Math.max(1, limit), 200));
      const last = lastRunsOf(db, page);
      return page.map((e): ExperimentListing => {
        const f = factsOfRun(last.get(e.id));
        return {
          idx: e.idx,
          status: e.status,
          title: e.title,
          hypothesis: e.hypothesis,
          metric: e.metricValue,
          delta: e.delta,
          peakMemoryMb: f?.peakMemoryMb ?? null,
          steps: f?.steps ?? null,
          tokensPerSecond: f?.tokensPerSecond ?? null,
          mfuPercent: f?.mfuPercent ?? null,
        };
      });
    },
    experimentDiff(idx) {
      const e = byIdx(idx);
      if (!e) return { error: `there is no experiment #${idx} in this session` };
      if (e.kind === "baseline") return { error: "#0 is the baseline: the unmodified code (read_file shows it at the best commit)" };
      return e.diff ? { diff: e.diff } : { error: `experiment #${idx} (${e.status}) was never built into a commit, so it has no diff` };
    },
    runLog(idx, { tail, grep }) {
      const run = runOf(idx);
      if ("error" in run) return run;
      if (!run.logPath || !fs.existsSync(run.logPath)) return { error: `the log of experiment #${idx}'s run is gone` };
      if (grep !== undefined) {
        // Plain text, not a regular expression: a pattern from a model must not be able to hang the runner.
        const wanted = grep
          .split("|")
          .map((w) => w.trim().toLowerCase())
          .filter(Boolean);
        if (!wanted.length) return { error: "grep: give the text to look for (alternatives separated by |)" };
        const matches = (l: string) => wanted.some((w) => l.toLowerCase().includes(w));
        const hits: string[] = [];
        let rest = "";
        let total = 0;
        readLogInChunks(run.logPath, (bytes) => {
          const lines = (rest + bytes.toString("utf8")).split(/\r\n|\r|\n/);
          rest = lines.pop() ?? "";
          for (const l of lines) if (matches(l) && total++ < MAX_LOG_LINES) hits.push(l.slice(0, 2000));
        });
        if (matches(rest) && total++ < MAX_LOG_LINES) hits.push(rest.slice(0, 2000));
        return {
          text: hits.length
            ? `${withoutSecrets(hits.join("\n"))}${total > hits.length ? `\n… (${total - hits.length} more matching lines)` : ""}`
            : `no line contains ${wanted.map((w) => `"${w}"`).join(" or ")}`,
        };
      }
      return { text: readLogTail(run.logPath, Math.min(Math.max(1, tail ?? 50), MAX_LOG_LINES)) ?? "(the log is empty)" };
    },
    runCurve(idx, series, points = 40) {
      const run = runOf(idx);
      if ("error" in run) return run;
      const names = seriesNames(db, run.id);
      if (!names.includes(series)) return { error: `run of #${idx} has no series "${series}"; it has: ${names.join(", ") || "none"}` };
      const all = seriesPoints(db, run.id, series);
      return { series: names, points: sampleEvenly(all, Math.min(Math.max(2, points), 200)).map((p) => ({ step: p.step, value: p.value })) };
    },
  };
}
