import type { RunStatus } from "../core/types";

const LABELS: Record<RunStatus, string> = {
  queued: "queued",
  running: "running",
  finished: "finished",
  diverged: "diverged",
  crashed: "crashed",
  timed_out: "timed out",
  cancelled: "cancelled",
  interrupted: "interrupted",
};

export function StatusBadge({ status }: { status: RunStatus }) {
  return <span className={`badge badge-${status}`}>{LABELS[status]}</span>;
}
