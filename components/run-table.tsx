"use client";
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { formatSeconds, formatValue } from "../core/format";
import { StatusBadge } from "./status-badge";
import { useTRPC } from "./trpc";
import { useScrollToHash } from "./use-scroll-to-hash";

/** The newest runs, of every workspace or of one (its page leaves the workspace column out). */
export function RunTable({ workspaceId }: { workspaceId?: number }) {
  const trpc = useTRPC();
  const runs = useQuery(trpc.run.list.queryOptions({ limit: 50, workspaceId }));
  const workspaces = useQuery(trpc.workspace.list.queryOptions(undefined, { enabled: workspaceId === undefined }));
  const names = new Map(workspaces.data?.map((w) => [w.id, w.name]));
  const all = workspaceId === undefined;
  useScrollToHash("runs", !!runs.data?.length);
  if (!runs.data?.length) return all ? null : <p className="muted">No run yet: Start baseline run runs the workspace&apos;s code once, at HEAD.</p>;
  return (
    <section aria-label="runs" id="runs">
      <h2>Runs</h2>
      <table className="table" aria-label="runs">
        <thead>
          <tr>
            <th>run</th>
            {all && <th>workspace</th>}
            <th>status</th>
            <th>metric</th>
            <th>commit</th>
            <th>duration</th>
            <th>reason</th>
          </tr>
        </thead>
        <tbody>
          {runs.data.map((r) => (
            <tr key={r.id}>
              <td>
                <Link href={`/runs/${r.id}`}>#{r.id}</Link>
              </td>
              {all && <td>{names.get(r.workspaceId) ?? r.workspaceId}</td>}
              <td>
                <StatusBadge status={r.status} />
              </td>
              <td className="num">{r.metricValue !== null ? `${r.metricName} ${formatValue(r.metricValue)}` : "—"}</td>
              <td className="mono">{r.commitSha?.slice(0, 7) ?? "—"}</td>
              <td className="num">{r.startedAt ? formatSeconds((r.endedAt ?? Date.now()) - r.startedAt) : "—"}</td>
              <td className="muted ellipsis">{r.reason ?? ""}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
