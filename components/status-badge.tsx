import type { ExperimentStatus, RunStatus, SessionStatus } from "../core/types";

type AnyStatus = RunStatus | SessionStatus | ExperimentStatus;

const LABELS: Partial<Record<AnyStatus, string>> = {
  queued: "queued",
  running: "running",
  finished: "finished",
  diverged: "diverged",
  oom: "out of memory",
  crashed: "crashed",
  timed_out: "timed out",
  tampered: "tampered",
  cancelled: "cancelled",
  interrupted: "interrupted",
  awaiting_approval: "awaiting approval",
  awaiting_decision: "awaiting keep/discard",
  proposal_failed: "proposal failed",
};

export function StatusBadge({ status }: { status: AnyStatus }) {
  return <span className={`badge badge-${status}`}>{LABELS[status] ?? status}</span>;
}
