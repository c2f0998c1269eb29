"use client";
import { useMutation, useQuery } from "@tanstack/react-query";
import type { inferRouterOutputs } from "@trpc/server";
import Link from "next/link";
import { useState } from "react";
import { canApprove, needsHumanNow } from "../core/experiment-lifecycle";
import { formatSeconds, formatValue } from "../core/format";
import { isSessionEnded, sessionStats } from "../core/session-stats";
import type { SessionStatus } from "../core/types";
import type { AppRouter } from "../server/root";
import { HumanDecision } from "./human-decision";
import { StatusBadge } from "./status-badge";
import { useTRPC } from "./trpc";

type Detail = inferRouterOutputs<AppRouter>["session"]["byId"];
type Experiment = Detail["experiments"][number];

/** One research loop: its controls, what waits for a human, steering notes, and every experiment. */
export function SessionPage({ sessionId }: { sessionId: number }) {
  const trpc = useTRPC();
  const detail = useQuery(trpc.session.byId.queryOptions({ id: sessionId }));
  if (detail.error) return <p className="error">{detail.error.message} — <Link href="/">home</Link></p>;
  if (!detail.data) return <p className="muted">Loading…</p>;
  const { session: s, experiments, steering } = detail.data;
  const waiting = experiments.filter((e) => needsHumanNow(e.status));
  return (
    <article aria-label={`session ${s.id}`}>
      <div className="run-head">
        <h1>
          <Link href="/">Sessions</Link> / #{s.id} <span className="mono">{s.branch}</span>
        </h1>
        <StatusBadge status={s.status} />
        <span className="muted">proposer {s.proposer}</span>
        {s.origin === "import" ? <span className="muted">imported from autoresearch</span> : <Controls sessionId={s.id} status={s.status} requested={s.requested} />}
      </div>
      {s.stopReason && <p className={s.status === "failed" ? "error" : "muted"}>{s.stopReason}</p>}
      <Counters detail={detail.data} />
      {waiting.length > 0 && (
        <section aria-label="awaiting a human">
          <h2>Waiting for you ({waiting.length})</h2>
          {waiting.map((e) => (
            <Approval key={e.id} e={e} />
          ))}
        </section>
      )}
      <Steering sessionId={s.id} notes={steering} />
      <ExperimentTable experiments={experiments} notes={steering} />
    </article>
  );
}

function Controls({ sessionId, status, requested }: { sessionId: number; status: SessionStatus; requested: string | null }) {
  const trpc = useTRPC();
  const opts = { onError: (e: { message: string }) => alert(e.message) };
  const pause = useMutation(trpc.session.pause.mutationOptions(opts));
  const resume = useMutation(trpc.session.resume.mutationOptions(opts));
  const stop = useMutation(trpc.session.stop.mutationOptions(opts));
  const ended = isSessionEnded(status);
  return (
    <span className="controls">
      {status === "running" && requested !== "pause" && (
        <button type="button" onClick={() => pause.mutate({ id: sessionId })}>
          Pause
        </button>
      )}
      {(status === "paused" || requested === "pause" || ended) && (
        <button type="button" onClick={() => resume.mutate({ id: sessionId })}>
          {ended ? "Resume session" : "Resume"}
        </button>
      )}
      {!ended && (
        <button type="button" className="danger" disabled={requested === "stop"} onClick={() => stop.mutate({ id: sessionId })}>
          {requested === "stop" ? "Stopping…" : "Stop"}
        </button>
      )}
    </span>
  );
}

function Counters({ detail }: { detail: Detail }) {
  const { session: s, experiments } = detail;
  const st = sessionStats(experiments, s.bestValue);
  return (
    <dl className="counters">
      <div><dt>experiments</dt><dd>{st.proposals}</dd></div>
      <div><dt>kept</dt><dd>{st.kept}</dd></div>
      <div><dt>crashed</dt><dd>{st.crashed}</dd></div>
      <div><dt>keep rate</dt><dd>{st.keepRate === null ? "—" : `${Math.round(100 * st.keepRate)}%`}</dd></div>
      <div><dt>baseline → best</dt><dd>{formatValue(st.baseline)} → {formatValue(s.bestValue)}{st.gainPercent !== null ? ` (${st.gainPercent.toFixed(2)}%)` : ""}</dd></div>
      <div><dt>noise σ</dt><dd>{formatValue(s.noiseSigma)}</dd></div>
      <div><dt>training time</dt><dd>{formatSeconds(s.trainingMs)}</dd></div>
      <div><dt>API cost</dt><dd>${s.costUsd.toFixed(2)}</dd></div>
    </dl>
  );
}

/** A card in the queue of what waits for a human: the change, its verdict or result, and the buttons. */
function Approval({ e }: { e: Experiment }) {
  const before = canApprove(e.status);
  return (
    <div className="card approval" aria-label={`${before ? "approve" : "keep or discard"} experiment ${e.idx}`}>
      <h3>
        <Link href={`/experiments/${e.id}`}>#{e.idx} {e.title}</Link>
      </h3>
      {e.hypothesis && <p className="muted">{e.hypothesis}</p>}
      {e.verdict && <p>risk: <strong>{e.verdict.level}</strong> — {e.verdict.reasons.map((r) => r.message).join("; ")}</p>}
      {!before && <p>result: <strong>{formatValue(e.metricValue)}</strong> — {e.reason}</p>}
      <pre className="diff">{e.diff}</pre>
      <HumanDecision experiment={e} />
    </div>
  );
}

function Steering({ sessionId, notes }: { sessionId: number; notes: Detail["steering"] }) {
  const trpc = useTRPC();
  const [text, setText] = useState("");
  const steer = useMutation(trpc.session.steer.mutationOptions({ onSuccess: () => setText("") }));
  return (
    <section aria-label="steering">
      <h2>Steering</h2>
      {notes.length > 0 && (
        <ul className="notes">
          {notes.map((n) => (
            <li key={n.id}>{n.text}</li>
          ))}
        </ul>
      )}
      <form
        className="approval-bar"
        onSubmit={(ev) => {
          ev.preventDefault();
          if (text.trim()) steer.mutate({ id: sessionId, text });
        }}
      >
        <input placeholder='e.g. "try fewer layers", "no more learning-rate sweeps"' value={text} onChange={(ev) => setText(ev.target.value)} aria-label="steering note" />
        <button type="submit">Add note</button>
      </form>
      {steer.error && <p className="error">{steer.error.message}</p>}
    </section>
  );
}

/** Experiments, newest first, with each steering note placed before the experiments proposed after it. */
function ExperimentTable({ experiments, notes }: { experiments: Experiment[]; notes: Detail["steering"] }) {
  type Row = { kind: "experiment"; at: number; e: Experiment } | { kind: "note"; at: number; text: string; id: number };
  const rows: Row[] = [
    ...experiments.map((e) => ({ kind: "experiment" as const, at: e.createdAt, e })),
    ...notes.map((n) => ({ kind: "note" as const, at: n.createdAt, text: n.text, id: n.id })),
  ].sort((a, b) => b.at - a.at);
  return (
    <section>
      <h2>Experiments</h2>
      <table className="table" aria-label="experiments">
        <thead>
          <tr>
            <th>#</th>
            <th>change</th>
            <th>status</th>
            <th>metric</th>
            <th>Δ</th>
            <th>commit</th>
            <th>reason</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) =>
            row.kind === "note" ? (
              <tr key={`note-${row.id}`} className="note-row">
                <td colSpan={7}>steering: {row.text}</td>
              </tr>
            ) : (
              <ExperimentRow key={row.e.id} e={row.e} />
            ),
          )}
        </tbody>
      </table>
    </section>
  );
}

function ExperimentRow({ e }: { e: Experiment }) {
  return (
    <tr>
      <td>{e.idx}</td>
      <td>
        <Link href={`/experiments/${e.id}`}>{e.title}</Link>
      </td>
      <td>
        <StatusBadge status={e.status} />
      </td>
      <td className="num">{formatValue(e.metricValue)}</td>
      <td className="num">{e.delta !== null && e.kind !== "baseline" ? formatValue(e.delta) : ""}</td>
      <td className="mono">{e.commitSha?.slice(0, 7) ?? ""}</td>
      <td className="muted ellipsis" title={e.reason ?? ""}>
        {e.reason?.split("\n")[0] ?? ""}
      </td>
    </tr>
  );
}
