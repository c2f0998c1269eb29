"use client";
import { useMutation } from "@tanstack/react-query";
import Link from "next/link";
import { canCancel, isTerminal } from "../core/run-lifecycle";
import { formatValue } from "../core/format";
import { BudgetBar } from "./budget-bar";
import { RunGuards } from "./run-guards";
import { LogTail } from "./log-tail";
import { PanelGrid } from "./panel-grid";
import { StatusBadge } from "./status-badge";
import { SummaryTable } from "./summary-table";
import { useTRPC } from "./trpc";
import { useLiveRun } from "./use-live-run";

export function RunPage({ runId }: { runId: number }) {
  const trpc = useTRPC();
  const { state, sub } = useLiveRun(runId);
  const cancel = useMutation(trpc.run.cancel.mutationOptions());
  const run = state.run;

  if (sub.error && !run)
    return (
      <p className="error">
        {sub.error.message} — <Link href="/">all runs</Link>
      </p>
    );
  if (!run) return <p className="muted">Connecting…</p>;
  const ended = isTerminal(run.status);
  return (
    <article aria-label={`run ${run.id}`}>
      <div className="run-head">
        <h1>
          <Link href="/#runs">Runs</Link> / #{run.id}
        </h1>
        <StatusBadge status={run.status} />
        {run.commitSha && <span className="mono muted">{run.commitSha.slice(0, 7)}</span>}
        {run.metricValue !== null && (
          <span className="metric" aria-label="metric">
            {run.metricName} <strong>{formatValue(run.metricValue)}</strong>
          </span>
        )}
        {run.scoredBy === "self-reported" && (
          <span className="muted" aria-label="scored by" title="The run's own code printed this; overseer.json's evaluate makes Overseer score it instead">
            self-reported
          </span>
        )}
        {run.scoredBy && run.scoredBy !== "self-reported" && (
          <span className="muted" aria-label="scored by" title="Scored by the workspace's protected evaluation, in a sandbox of its own">
            evaluated by {run.scoredBy.evaluator}
            {run.scoredBy.reported !== null ? `; the run reported ${formatValue(run.scoredBy.reported)}` : ""}
          </span>
        )}
        {run.slurmJob && (
          <span className="muted" aria-label="Slurm job" title="It runs as this batch job on the cluster: squeue -j, scontrol show job">
            Slurm job {run.slurmJob}
          </span>
        )}
        {canCancel(run.status) && (
          <button type="button" className="danger" disabled={run.cancelRequested || cancel.isPending} onClick={() => cancel.mutate({ id: run.id })}>
            {run.cancelRequested ? "Stopping…" : "Stop run"}
          </button>
        )}
      </div>
      {run.reason && run.status !== "finished" && <p className="error">{run.reason}</p>}
      <BudgetBar run={run} />
      <RunGuards run={run} />
      {run.waitingFor && (
        <p className="run-waiting" role="status">
          {run.waitingFor}
        </p>
      )}
      <PanelGrid curves={[{ label: `run #${run.id}`, series: state.series, startedAt: run.startedAt, color: "#2563eb" }]} gpu={run.gpu} live={!ended} />
      {run.slurmJob && !run.gpu && (
        <p className="muted">
          No GPU telemetry from this Slurm job yet: its GPUs are sampled on its node once it runs (none when it asked for no GPU, or its node has no nvidia-smi; the run&apos;s warnings say which).
        </p>
      )}
      {run.summary && Object.keys(run.summary).length > 0 && <SummaryTable summary={run.summary} metricName={run.metricName} />}
      <LogTail lines={run.logTail && ended ? run.logTail.split("\n") : state.log} />
      {sub.status === "connecting" && !ended && <p className="muted">reconnecting…</p>}
    </article>
  );
}
