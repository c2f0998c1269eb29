"use client";
import { useEffect, useState } from "react";
import { budgetFraction, formatSeconds } from "../core/format";
import { isTerminal } from "../core/run-lifecycle";
import type { LiveRunState } from "./live-run-state";

type Run = NonNullable<LiveRunState["run"]>;

/** Training time against the budget; the timeout (the hard kill) is shown beside it. */
export function BudgetBar({ run }: { run: Run }) {
  const [now, setNow] = useState(() => Date.now());
  const running = run.status === "running";
  useEffect(() => {
    if (!running) return;
    const t = setInterval(() => setNow(Date.now()), 500); // a clock, not a poll: nothing is fetched
    return () => clearInterval(t);
  }, [running]);
  if (!run.startedAt || !run.config) return null;
  // Queued on a cluster: its budget starts when its job does (the runner then restarts the run's clock).
  if (run.waitingFor && running) return <p className="muted">The {formatSeconds(run.config.budgetSeconds * 1000)} budget starts when the job runs.</p>;
  const elapsed = (isTerminal(run.status) ? (run.endedAt ?? now) : now) - run.startedAt;
  const f = budgetFraction(elapsed, run.config.budgetSeconds);
  return (
    <div className="budget">
      <div className="budget-track" role="progressbar" aria-label="budget" aria-valuemin={0} aria-valuemax={100} aria-valuenow={Math.round(f * 100)}>
        <div className={`budget-fill ${running ? "live" : run.status === "finished" ? "" : "stopped"}`} style={{ width: `${f * 100}%` }} />
      </div>
      <span className="muted">
        {formatSeconds(elapsed)} of {formatSeconds(run.config.budgetSeconds * 1000)} budget · killed at {formatSeconds(run.config.timeoutSeconds * 1000)}
        {run.lastStep !== null && ` · step ${run.lastStep}`}
        {isTerminal(run.status) && run.status !== "finished" ? ` · ${run.status.replace(/_/g, " ")} before the end` : ""}
      </span>
    </div>
  );
}
