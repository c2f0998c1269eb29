"use client";
import { useMutation, useQuery } from "@tanstack/react-query";
import type { inferRouterOutputs } from "@trpc/server";
import Link from "next/link";
import { useEffect, useRef, useState } from "react";
import { canApprove, needsHumanNow } from "../core/experiment-lifecycle";
import { cacheReadShare, describeApiTotals, formatCost } from "../core/claude/api-totals";
import { formatSeconds, formatValue } from "../core/format";
import { dutyCycle, isSessionEnded } from "../core/session-stats";
import type { SessionStatus } from "../core/types";
import type { AppRouter } from "../server/root";
import { ExperimentTable } from "./experiment-table";
import { ExportPanel } from "./export-panel";
import { HumanDecision } from "./human-decision";
import { BudgetBar } from "./budget-bar";
import { PanelGrid } from "./panel-grid";
import { ProgressChart } from "./progress-chart";
import { ProposePanel } from "./propose-panel";
import { StatusBadge } from "./status-badge";
import { useLiveRun } from "./use-live-run";
import { TagEditor } from "./tag-editor";
import { useTRPC } from "./trpc";

type Detail = inferRouterOutputs<AppRouter>["session"]["byId"];
type Experiment = Detail["active"][number];

/** One research loop: its controls, what waits for a human, steering notes, and every experiment. */
export function SessionPage({ sessionId }: { sessionId: number }) {
  const trpc = useTRPC();
  const detail = useQuery(trpc.session.byId.queryOptions({ id: sessionId }));
  const setTags = useMutation(trpc.session.setTags.mutationOptions());
  if (detail.error)
    return (
      <p className="error">
        {detail.error.message} — <Link href="/">home</Link>
      </p>
    );
  if (!detail.data) return <p className="muted">Loading…</p>;
  const { session: s, active, steering } = detail.data;
  const waiting = active.filter((e) => needsHumanNow(e.status));
  return (
    <article aria-label={`session ${s.id}`}>
      <div className="run-head">
        <h1>
          <Link href="/#sessions">Sessions</Link> / #{s.id} <span className="mono">{s.branch}</span>
        </h1>
        <StatusBadge status={s.status} requested={s.requested} />
        <span className="muted">proposer {s.proposer}</span>
        {s.origin === "import" ? (
          <span className="muted">imported from autoresearch</span>
        ) : (
          <Controls
            sessionId={s.id}
            status={s.status}
            requested={s.requested}
            limit={s.options.maxExperiments}
            proposals={detail.data.stats.proposals}
            running={active.some((e) => e.status === "running")}
            interruptedWork={detail.data.interruptedWork}
          />
        )}
      </div>
      <p className="tags-line">
        <TagEditor label="session tags" tags={s.tags} save={async (tags) => (await setTags.mutateAsync({ id: s.id, tags }), await detail.refetch())} />
      </p>
      <nav className="session-links" aria-label="session views">
        <Link href={`/sessions/${s.id}/hyperparameters`}>Hyperparameters</Link>
        {/* A plain link, as the exports: a read, which the read key's cookie allows. */}
        <a href={`/api/sessions/${s.id}/report`} download>
          Download report
        </a>
      </nav>
      {s.stopReason && <p className={s.status === "failed" ? "error" : "muted"}>{s.stopReason}</p>}
      <Counters detail={detail.data} />
      <WaitingAlert count={waiting.length} sessionId={s.id} />
      {waiting.length > 0 && (
        <section aria-label="awaiting a human">
          <h2>
            Waiting for you <span className="count-badge">{waiting.length}</span>
          </h2>
          {waiting.map((e) => (
            <Approval key={e.id} e={e} first={e.id === waiting[0]?.id} />
          ))}
        </section>
      )}
      {s.origin !== "import" && !isSessionEnded(s.status) && <ProposePanel sessionId={s.id} manual={s.proposer === "manual"} />}
      <NoiseNote noise={detail.data.noise} metricName={detail.data.metric.name} />
      <ProgressChart progress={detail.data.progress} metricName={detail.data.metric.name} sigma={s.noiseSigma} />
      <RunningNow experiments={active} />
      <div className="two-col">
        <TopHits hits={detail.data.topHits} />
        <Steering sessionId={s.id} notes={steering} proposer={s.proposer} />
      </div>
      <ExperimentTable sessionId={s.id} count={detail.data.count} notes={steering} />
      {s.baselineCommit && detail.data.anyDecided && (
        <ExportPanel source={{ sessionId: s.id, baselineCommit: s.baselineCommit, closestDiscarded: detail.data.closestDiscarded, metricName: detail.data.metric.name }} />
      )}
    </article>
  );
}

function Controls({
  sessionId,
  status,
  requested,
  limit,
  proposals,
  running,
  interruptedWork,
}: {
  sessionId: number;
  status: SessionStatus;
  requested: string | null;
  /** The experiment limit, and how many it has: one that reached it resumes only with it raised. */
  limit: number | null;
  proposals: number;
  running: boolean;
  /** What a stop interrupted runs on resume, whatever the limit. */
  interruptedWork: boolean;
}) {
  const trpc = useTRPC();
  const opts = { onError: (e: { message: string }) => alert(e.message) };
  const pause = useMutation(trpc.session.pause.mutationOptions(opts));
  const resume = useMutation(trpc.session.resume.mutationOptions(opts));
  const stop = useMutation(trpc.session.stop.mutationOptions(opts));
  const ended = isSessionEnded(status);
  const atLimit = ended && limit !== null && proposals >= limit && !interruptedWork;
  const [raised, setRaised] = useState<number | null>(null);
  const newLimit = raised ?? (limit ?? 0) + Math.max(1, limit ?? 0);
  const askStop = () => {
    const what = running ? "The experiment running now is killed; it runs again if you resume the session." : "Nothing is running now; you can resume the session later.";
    if (window.confirm(`Stop session #${sessionId}? ${what}`)) stop.mutate({ id: sessionId });
  };
  return (
    <span className="controls">
      {status === "running" && requested !== "pause" && (
        <button type="button" onClick={() => pause.mutate({ id: sessionId })}>
          Pause
        </button>
      )}
      {atLimit && (
        <label className="muted">
          experiment limit <input type="number" min={proposals + 1} value={newLimit} onChange={(ev) => setRaised(Number(ev.target.value))} aria-label="raise the experiment limit to" />
        </label>
      )}
      {(status === "paused" || requested === "pause" || ended) && (
        <button type="button" onClick={() => resume.mutate({ id: sessionId, ...(atLimit ? { raise: { maxExperiments: newLimit } } : {}) })}>
          {atLimit ? `Resume with ${newLimit} experiments` : ended ? "Resume session" : "Resume"}
        </button>
      )}
      {!ended && (
        <button type="button" className="danger" disabled={requested === "stop"} onClick={askStop}>
          {requested === "stop" ? "Stopping…" : "Stop"}
        </button>
      )}
    </span>
  );
}

function Counters({ detail }: { detail: Detail }) {
  const { session: s, stats: st } = detail;
  return (
    <dl className="counters">
      <div>
        <dt>experiments</dt>
        <dd>{st.proposals}</dd>
      </div>
      <div>
        <dt>kept</dt>
        <dd>{st.kept}</dd>
      </div>
      <div>
        <dt>crashed</dt>
        <dd>{st.crashed}</dd>
      </div>
      <div>
        <dt>keep rate</dt>
        <dd>{st.keepRate === null ? "—" : `${Math.round(100 * st.keepRate)}%`}</dd>
      </div>
      <div>
        <dt>baseline → best</dt>
        <dd>
          {formatValue(st.baseline)} → {formatValue(s.bestValue)}
        </dd>
      </div>
      <div>
        <dt>improvement</dt>
        <dd>{st.gain === null ? "—" : `${formatValue(Math.abs(st.gain))} (${(st.gainPercent ?? 0).toFixed(2)}%)`}</dd>
      </div>
      <div>
        <dt>noise σ</dt>
        <dd>{formatValue(s.noiseSigma)}</dd>
      </div>
      <div>
        <dt>GPU time</dt>
        <dd>{formatSeconds(s.trainingMs)}</dd>
      </div>
      <div>
        <dt>duty cycle</dt>
        <dd>{dutyCycleText(s)}</dd>
      </div>
      <div title={detail.api.calls ? describeApiTotals(detail.api) : "no Claude API calls"}>
        <dt>API cost</dt>
        <dd>{detail.api.unpriced ? formatCost(detail.api, 2) : `$${s.costUsd.toFixed(2)}`}</dd>
      </div>
      {detail.api.calls > 0 && (
        <div title="the share of input tokens the prompt cache served">
          <dt>cache reads</dt>
          <dd>{Math.round(100 * (cacheReadShare(detail.api) ?? 0))}%</dd>
        </div>
      )}
    </dl>
  );
}

/** Training time over wall time, per GPU: how busy the loop kept its GPUs. */
function dutyCycleText(s: Detail["session"]): string {
  const duty = dutyCycle(s.trainingMs, (s.endedAt ?? Date.now()) - s.createdAt, s.gpus?.length ?? 1);
  return duty === null ? "—" : `${(100 * duty).toFixed(1)}%`;
}

/** The experiments training now: each one's budget and live curve. */
function RunningNow({ experiments }: { experiments: Experiment[] }) {
  // One per GPU when the session runs on several.
  return experiments.filter((e) => e.status === "running").map((e) => <RunningExperiment key={e.id} running={e} />);
}

function RunningExperiment({ running }: { running: Experiment }) {
  const { state } = useLiveRun(running.runIds.at(-1) ?? null);
  if (!state.run) return null;
  return (
    <section aria-label="running now" className="running-now">
      <h2>
        Running:{" "}
        <Link href={`/experiments/${running.id}`}>
          #{running.idx} {running.title}
        </Link>
        {state.run.gpu && <span className="muted"> · GPU {state.run.gpu.index}</span>}
      </h2>
      <BudgetBar run={state.run} />
      <PanelGrid curves={[{ label: `#${running.idx}`, series: state.series, startedAt: state.run.startedAt, color: "#2563eb" }]} live only="primary" />
    </section>
  );
}

/** Each keep and what it gained over the keep before it, as autoresearch's analysis prints them. */
function TopHits({ hits: { hits, of } }: { hits: Detail["topHits"] }) {
  return (
    <section aria-label="top hits">
      <h2>
        Top hits{" "}
        {of > hits.length && (
          <span className="muted">
            the {hits.length} largest of {of} keeps
          </span>
        )}
      </h2>
      {hits.length === 0 ? (
        <p className="muted">No improvement kept yet.</p>
      ) : (
        <table className="table">
          <thead>
            <tr>
              <th>#</th>
              <th>change</th>
              <th className="num">value</th>
              <th className="num">gain</th>
            </tr>
          </thead>
          <tbody>
            {hits.map((h) => (
              <tr key={h.id}>
                <td>{h.idx}</td>
                <td>
                  <Link href={`/experiments/${h.id}`}>{h.title}</Link>
                </td>
                <td className="num mono">{formatValue(h.value)}</td>
                <td className="num mono good">{formatValue(h.delta)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

/** The tab's title counts what waits for a human; a browser notification says so too, when allowed. */
function WaitingAlert({ count, sessionId }: { count: number; sessionId: number }) {
  const [permission, setPermission] = useState<NotificationPermission | "unsupported">("default");
  const seen = useRef(0);
  useEffect(() => {
    setPermission(typeof Notification === "undefined" ? "unsupported" : Notification.permission);
  }, []);
  useEffect(() => {
    const base = `Session #${sessionId} · Overseer`;
    document.title = count > 0 ? `(${count}) waiting for you · ${base}` : base;
    if (count > seen.current && typeof Notification !== "undefined" && Notification.permission === "granted") {
      new Notification("Overseer: a decision is needed", { body: `${count} experiment${count > 1 ? "s wait" : " waits"} for you in session #${sessionId}`, tag: `overseer-session-${sessionId}` });
    }
    seen.current = count;
  }, [count, sessionId]);
  if (permission !== "default") return null;
  return (
    <p className="muted">
      <button type="button" className="link" onClick={() => void Notification.requestPermission().then(setPermission)}>
        Notify me
      </button>{" "}
      when an experiment waits for a decision.
    </p>
  );
}

/** A card in the queue of what waits for a human: the change, its verdict or result, and the buttons. */
/** A candidate in the queue; the first one (the oldest) answers the keys a and r, as on its own page. */
function Approval({ e, first }: { e: Experiment; first: boolean }) {
  const before = canApprove(e.status);
  return (
    <div className="card approval" aria-label={`${before ? "approve" : "keep or discard"} experiment ${e.idx}`}>
      <h3>
        <Link href={`/experiments/${e.id}`}>
          #{e.idx} {e.title}
        </Link>
      </h3>
      {e.hypothesis && <p className="muted">{e.hypothesis}</p>}
      {e.verdict && (
        <p>
          risk: <strong>{e.verdict.level}</strong> — {e.verdict.reasons.map((r) => r.message).join("; ")}
        </p>
      )}
      {!before && (
        <p>
          result: <strong>{formatValue(e.metricValue)}</strong> — {e.reason}
        </p>
      )}
      <pre className="diff">{e.diff}</pre>
      <HumanDecision experiment={e} keyboard={first} />
    </div>
  );
}

function Steering({ sessionId, notes, proposer }: { sessionId: number; notes: Detail["steering"]; proposer: string }) {
  const trpc = useTRPC();
  const [text, setText] = useState("");
  const steer = useMutation(trpc.session.steer.mutationOptions({ onSuccess: () => setText("") }));
  return (
    <section aria-label="steering">
      <h2>Steering</h2>
      {proposer !== "claude" && (
        <p className="muted" aria-label="who reads the notes">
          The {proposer} proposer does not read steering notes: they are kept in the table, for you and for a Claude session on this workspace.
          {proposer === "manual" ? " Propose the change yourself above." : ""}
        </p>
      )}
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

/** How much of a gain is noise: measured, or a warning that it was not and luck is kept too. */
function NoiseNote({ noise, metricName }: { noise: Detail["noise"]; metricName: string }) {
  if (!noise.measured) return null;
  if (noise.sigma === null)
    return (
      <p className="warning" aria-label="noise">
        The noise was not measured: the baseline ran once, so any gain in {metricName} above {formatValue(noise.minImprovement)} is kept, luck included. Start sessions with 3 or more baseline runs.
      </p>
    );
  return (
    <p className="muted" aria-label="noise">
      Noise: σ {formatValue(noise.sigma)} over {noise.baselineRuns} baseline runs. A first run is kept at once only with a gain above {formatValue(noise.firstRunThreshold)} (2σ·√(1 + 1/m)
      {noise.minImprovement > 0 ? `, at least minImprovement ${formatValue(noise.minImprovement)}` : ""}); a smaller gain runs {noise.runsPerCandidate} times in all and is judged on the mean.
    </p>
  );
}
