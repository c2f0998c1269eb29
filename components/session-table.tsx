"use client";
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { formatValue } from "../core/format";
import { StatusBadge } from "./status-badge";
import { TagList } from "./tag-editor";
import { useTRPC } from "./trpc";
import { useScrollToHash } from "./use-scroll-to-hash";

/** Sessions, newest first: all of them, or one workspace's. */
export function SessionTable({ workspaceId }: { workspaceId?: number }) {
  const trpc = useTRPC();
  const sessions = useQuery(trpc.session.list.queryOptions(workspaceId === undefined ? undefined : { workspaceId }));
  const workspaces = useQuery(trpc.workspace.list.queryOptions());
  const names = new Map(workspaces.data?.map((w) => [w.id, w.name]));
  useScrollToHash("sessions", !!sessions.data?.length);
  if (!sessions.data?.length) return workspaceId === undefined ? null : <p className="muted">No session on this workspace yet: start one above.</p>;
  return (
    <section aria-label="sessions" id="sessions">
      <h2>Sessions</h2>
      <table className="table sessions" aria-label="sessions">
        <thead>
          <tr>
            <th>session</th>
            <th>workspace</th>
            <th>branch</th>
            <th>status</th>
            <th>proposer</th>
            <th>best</th>
            <th>note</th>
          </tr>
        </thead>
        <tbody>
          {sessions.data.map((s) => (
            <tr key={s.id}>
              <td>
                <Link href={`/sessions/${s.id}`}>#{s.id}</Link>
              </td>
              <td>{names.get(s.workspaceId) ?? s.workspaceId}</td>
              <td className="branch">
                <span className="mono">{s.branch || "—"}</span> <TagList tags={s.tags} />
              </td>
              <td>
                <StatusBadge status={s.status} />
              </td>
              <td>{s.proposer}</td>
              <td className="num">{formatValue(s.bestValue)}</td>
              <td className="muted ellipsis" title={s.stopReason ?? ""}>
                {s.stopReason ?? ""}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
