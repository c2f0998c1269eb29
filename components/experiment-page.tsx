"use client";
import { runGroup, runGroupText } from "../core/run-group";
import { describeSource } from "../core/decision-source";
import { describeHumanEdit } from "../core/edit-description";
import { useMutation, useQuery } from "@tanstack/react-query";
import type { inferRouterOutputs } from "@trpc/server";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useEffect, useState } from "react";
import { canApprove } from "../core/experiment-lifecycle";
import { CRASH_STATUSES } from "../core/types";
import { isTerminal } from "../core/run-lifecycle";
import { describeEvidence, formatValue } from "../core/format";
import { describeApiTotals, formatCost } from "../core/claude/api-totals";
import type { AppRouter } from "../server/root";
import { BudgetBar } from "./budget-bar";
import { CodeDiff, type LineNote } from "./code-diff";
import { RunGuards } from "./run-guards";
import { compareHref } from "./hrefs";
import { HumanDecision } from "./human-decision";
import { isTyping } from "./keys";
import { LogTail } from "./log-tail";
import { hardwareText } from "../core/gpu";
import { PanelGrid } from "./panel-grid";
import { StatusBadge } from "./status-badge";
import { SummaryTable } from "./summary-table";
import { TagEditor } from "./tag-editor";
import { useTRPC } from "./trpc";
import { useLiveRun } from "./use-live-run";

type Detail = inferRouterOutputs<AppRouter>["experiment"]["byId"];

/** One experiment: what was proposed and why, the gate's verdict, the code, the live curve, the decision. */
export function ExperimentPage({ experimentId }: { experimentId: number }) {
  const trpc = useTRPC();
  const detail = useQuery(trpc.experiment.byId.queryOptions({ id: experimentId }));
  const setTags = useMutation(trpc.experiment.setTags.mutationOptions());
  const [editing, setEditing] = useState(false);
  const [edited, setEdited] = useState<Record<string, string>>({});
  // The human's own title and description for their edit; null follows what the edit does.
  const [ownWords, setOwnWords] = useState<{ title: string | null; hypothesis: string | null }>({ title: null, hypothesis: null });
  useNavigationKeys(detail.data);
  if (detail.error)
    return (
      <p className="error">
        {detail.error.message} — <Link href="/">home</Link>
      </p>
    );
  if (!detail.data) return <p className="muted">Loading…</p>;
  const { experiment: e, session: s, files, runs, metric } = detail.data;
  const editable = canApprove(e.status) && files !== null;
  const stopEditing = () => {
    setEditing(false);
    setEdited({});
    setOwnWords({ title: null, hypothesis: null });
  };
  // The human's version where they changed a file, the candidate elsewhere: what the diff editor shows.
  const shown = files && Object.fromEntries(Object.entries(files).map(([f, c]) => [f, { before: c.before, after: edited[f] ?? c.after }]));
  const changedByHuman = Object.fromEntries(Object.entries(edited).filter(([f, c]) => c !== files?.[f]?.after));
  const derived =
    shown && Object.keys(changedByHuman).length > 0
      ? describeHumanEdit(
          Object.fromEntries(Object.entries(shown).map(([f, c]) => [f, c.before ?? ""])),
          Object.fromEntries(Object.entries(shown).map(([f, c]) => [f, c.after ?? ""])),
          e.proposedTitle ?? e.title,
        )
      : null;
  const editWords = derived && { title: ownWords.title ?? derived.title, hypothesis: ownWords.hypothesis ?? derived.hypothesis };
  return (
    <article aria-label={`experiment ${e.idx}`}>
      <div className="run-head">
        <h1>
          <Link href={`/sessions/${s.id}`}>Session #{s.id}</Link> / #{e.idx} {e.title}
        </h1>
        <StatusBadge status={e.status} />
        <span className="muted">
          {e.kind === "fix" ? `fix of #${e.fixOf} · ` : ""}proposer {e.proposer}
          {e.humanEdited ? " · edited by a human (co-authored)" : ""}
          {detail.data.apiTotals.calls > 0 ? ` · ${formatCost(detail.data.apiTotals)}` : ""}
        </span>
        {e.metricValue !== null && (
          <span className="metric" aria-label="metric">
            {metric.name} <strong>{formatValue(e.metricValue)}</strong>
            {e.delta !== null && e.kind !== "baseline" ? (
              <span className={e.delta > 0 ? "good" : "bad"}>
                {" "}
                ({e.delta > 0 ? "better" : "worse"} by {formatValue(Math.abs(e.delta))})
              </span>
            ) : null}
          </span>
        )}
        {detail.data.best && e.runIds.length > 0 && (
          <Link href={compareHref([detail.data.best.id, e.id])} className="muted">
            compare with the best
          </Link>
        )}
        <span className="muted nav-keys">
          {detail.data.previousId && <Link href={`/experiments/${detail.data.previousId}`}>← k</Link>} {detail.data.nextId && <Link href={`/experiments/${detail.data.nextId}`}>j →</Link>}
        </span>
      </div>
      <p className="tags-line">
        <TagEditor label="experiment tags" tags={e.tags} save={async (tags) => (await setTags.mutateAsync({ id: e.id, tags }), await detail.refetch())} />
      </p>
      {e.hypothesis && <p className="hypothesis">{e.hypothesis}</p>}
      {e.proposedTitle !== null && (
        <p className="muted" aria-label="as proposed">
          As proposed by {e.proposer}, before a human edited it: <q>{e.proposedTitle}</q>
          {e.proposedHypothesis ? ` — ${e.proposedHypothesis}` : ""}
        </p>
      )}
      {e.notebook && <Notebook notebook={e.notebook} />}
      {e.verdict && (
        <section aria-label="risk verdict" className="verdict">
          <h2>
            Gate: <span className={`risk risk-${e.verdict.level}`}>{e.verdict.level}</span>
          </h2>
          <ul>
            {e.verdict.reasons.map((r, i) => (
              <li key={i}>
                {r.level && <span className={`risk risk-${r.level}`}>{r.level}</span>} <span className="mono muted">{r.rule}</span> {r.message}
                {r.file ? (
                  <span className="mono muted">
                    {" "}
                    — {r.file}
                    {r.line ? `:${r.line}` : ""}
                  </span>
                ) : null}
              </li>
            ))}
          </ul>
          {e.verdict.reviewer && (
            <p>
              Reviewer <span className="mono muted">{e.verdict.reviewer.model}</span>: <span className={`risk risk-${e.verdict.reviewer.level}`}>{e.verdict.reviewer.level}</span>{" "}
              {e.verdict.reviewer.reasons.join("; ")}
            </p>
          )}
        </section>
      )}
      {editing && editWords && (
        <fieldset className="edit-words" aria-label="your edit in words">
          <label>
            title
            <input value={editWords.title} maxLength={200} onChange={(ev) => setOwnWords((w) => ({ ...w, title: ev.target.value }))} />
          </label>
          <label>
            hypothesis
            <textarea rows={2} value={editWords.hypothesis} onChange={(ev) => setOwnWords((w) => ({ ...w, hypothesis: ev.target.value }))} />
          </label>
          <span className="muted">Said from your edit; the proposer's words stay on the page as theirs.</span>
        </fieldset>
      )}
      <HumanDecision
        experiment={e}
        keyboard
        edited={editing ? changedByHuman : null}
        editWords={editWords && { title: editWords.title.trim() || undefined, hypothesis: editWords.hypothesis }}
        onDecided={stopEditing}
      />
      {e.reason && (
        <section aria-label="decision">
          <h2>Decision</h2>
          <pre className={`reason ${CRASH_STATUSES.includes(e.status) ? "error" : ""}`}>{e.reason}</pre>
          {e.evidence && (
            <p className="muted evidence" aria-label="evidence">
              {describeEvidence(e.evidence, metric.name)}
            </p>
          )}
        </section>
      )}
      <section aria-label="code">
        <h2>
          Code{" "}
          {e.commitSha && (
            <span className="mono muted">
              {e.parentCommit?.slice(0, 7)} → {e.commitSha.slice(0, 7)}
            </span>
          )}{" "}
          {editable && !editing && (
            <button type="button" onClick={() => setEditing(true)}>
              Edit the candidate
            </button>
          )}
          {editing && (
            <button type="button" onClick={stopEditing}>
              Drop my edits
            </button>
          )}
        </h2>
        {editing && <p className="muted">Edit the right side, then Approve my edits: your version is gated again before it runs, and its commit is co-authored by you.</p>}
        {shown ? (
          <CodeDiff files={shown} onEdit={editing ? (f, c) => setEdited((m) => ({ ...m, [f]: c })) : undefined} notes={gateNotes(e.verdict)} />
        ) : e.diff ? (
          <pre className="diff">{e.diff}</pre>
        ) : (
          <p className="muted">No code was recorded for this experiment.</p>
        )}
      </section>
      <DecisionHistory decisions={detail.data.decisions} />
      <ApiCalls calls={detail.data.apiCalls} totals={detail.data.apiTotals} />
      <RunSection runs={runs} best={detail.data.best} />
    </article>
  );
}

/** The gate's reasons that point at a line (level "low" ones only describe constants: the diff shows them). */
function gateNotes(verdict: Detail["experiment"]["verdict"]): LineNote[] {
  return (verdict?.reasons ?? []).filter((r) => r.file && r.line && r.level && r.level !== "low").map((r) => ({ file: r.file!, line: r.line!, level: r.level!, text: `${r.rule}: ${r.message}` }));
}

/** The proposer's lab notebook entry: what the results taught it, what it would try next. */
function Notebook({ notebook }: { notebook: NonNullable<Detail["experiment"]["notebook"]> }) {
  if (!notebook.learned && notebook.next.length === 0) return null;
  return (
    <section aria-label="lab notebook" className="notebook">
      <h2>Lab notebook</h2>
      {notebook.learned && (
        <p>
          <strong>Learned:</strong> {notebook.learned}
        </p>
      )}
      {notebook.next.length > 0 && (
        <>
          <strong>Would try next:</strong>
          <ul>
            {notebook.next.map((n, i) => (
              <li key={i}>{n}</li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}

/** What its proposal (and the reviewer) cost: each Claude API call with its tokens. */
function ApiCalls({ calls, totals }: { calls: Detail["apiCalls"]; totals: Detail["apiTotals"] }) {
  if (!calls.length) return null;
  return (
    <section aria-label="API calls">
      <h2>Claude API</h2>
      <p className="muted">{describeApiTotals(totals)}</p>
      <table className="api-calls">
        <thead>
          <tr>
            <th>role</th>
            <th>model</th>
            <th>outcome</th>
            <th>input</th>
            <th>cache read</th>
            <th>cache write</th>
            <th>output</th>
            <th>cost</th>
            <th>time</th>
          </tr>
        </thead>
        <tbody>
          {calls.map((c) => (
            <tr key={c.id} title={c.error ?? undefined}>
              <td>{c.role}</td>
              <td className="mono">{c.model}</td>
              <td className={c.outcome === "ok" ? "" : "error"}>{c.outcome === "ok" ? (c.stopReason ?? "ok") : `${c.outcome}${c.error ? `: ${c.error}` : ""}`}</td>
              <td>{c.inputTokens.toLocaleString("en-US")}</td>
              <td>{c.cacheReadTokens.toLocaleString("en-US")}</td>
              <td>{c.cacheWriteTokens.toLocaleString("en-US")}</td>
              <td>{c.outputTokens.toLocaleString("en-US")}</td>
              <td>{c.costUsd === null ? "unknown" : `$${c.costUsd.toFixed(4)}`}</td>
              <td>{(c.durationMs / 1000).toFixed(1)} s</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

/** Who decided what, when, from where, about which diff. */
function DecisionHistory({ decisions }: { decisions: Detail["decisions"] }) {
  if (!decisions.length) return null;
  return (
    <section aria-label="decision history">
      <h2>History</h2>
      <ul className="history">
        {decisions.map((d) => (
          <li key={d.id}>
            <time dateTime={new Date(d.at).toISOString()}>{new Date(d.at).toLocaleString()}</time> <strong>{d.action}</strong> {describeSource(d.source)}
            {d.diffHash ? <span className="mono muted"> · diff {d.diffHash.slice(0, 12)}</span> : null}
            {d.note ? <span> — “{d.note}”</span> : null}
          </li>
        ))}
      </ul>
    </section>
  );
}

/** The experiment's last run, live while it trains, with the best experiment's curve underneath. */
function RunSection({ runs, best }: { runs: Detail["runs"]; best: Detail["best"] }) {
  const trpc = useTRPC();
  const last = runs.at(-1) ?? null;
  const { state } = useLiveRun(last?.id ?? null);
  const reference = useQuery(trpc.run.series.queryOptions({ runId: best?.runId ?? 0 }, { enabled: !!best?.runId }));
  if (!last) return <p className="muted">It has not run.</p>;
  const run = state.run ?? last;
  const ended = isTerminal(run.status);
  const group = runGroup(runs.map((r) => r.metricValue));
  return (
    <section aria-label="run">
      <h2>
        Run <Link href={`/runs/${run.id}`}>#{run.id}</Link> <StatusBadge status={run.status} />
        {runs.length > 1 && (
          <span className="muted">
            {" "}
            · {runs.length} runs (re-runs with other seeds){group ? `: ${runGroupText(group)}` : ""} — {runs.map((r) => formatValue(r.metricValue)).join(", ")}
          </span>
        )}
      </h2>
      <p className="muted" aria-label="hardware">
        {hardwareText(run.gpu)}
      </p>
      {run.waitingFor && (
        <p className="run-waiting" role="status">
          {run.waitingFor}
        </p>
      )}
      <BudgetBar run={run} />
      <RunGuards run={run} />
      <PanelGrid
        curves={[
          { label: "this experiment", series: state.series, startedAt: run.startedAt, color: "#2563eb" },
          ...(best && reference.data ? [{ label: `best: #${best.idx} ${best.title}`, series: reference.data, startedAt: null, color: "#9ca3af", dashed: true }] : []),
        ]}
        gpu={run.gpu}
        live={!ended}
      />
      {run.summary && Object.keys(run.summary).length > 0 && <SummaryTable summary={run.summary} metricName={run.metricName} />}
      <LogTail lines={run.logTail && ended ? run.logTail.split("\n") : state.log} />
    </section>
  );
}

/** j / k: the next and previous experiment of the session, as in a mail client. */
function useNavigationKeys(detail: Detail | undefined) {
  const router = useRouter();
  useEffect(() => {
    if (!detail) return;
    const onKey = (ev: KeyboardEvent) => {
      if (isTyping(ev)) return;
      if (ev.key === "j" && detail.nextId) router.push(`/experiments/${detail.nextId}`);
      if (ev.key === "k" && detail.previousId) router.push(`/experiments/${detail.previousId}`);
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [detail, router]);
}
