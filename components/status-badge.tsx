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

/** `requested`: a session's pause or stop the loop has not reached yet, shown at once ("pausing…"). */
export function StatusBadge({ status, requested = null }: { status: AnyStatus; requested?: "pause" | "stop" | null }) {
  if (status === "running" && requested) return <span className={`badge badge-${requested === "pause" ? "paused" : "stopped"}`}>{requested === "pause" ? "pausing…" : "stopping…"}</span>;
  return <span className={`badge badge-${status}`}>{LABELS[status] ?? status}</span>;
}
