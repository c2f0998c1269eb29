"use client";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { formatValue } from "../core/format";
import { nextSort, SESSION_SORTS, type SessionSort } from "../core/list-sort";
import { SESSION_STATUSES } from "../core/types";
import { SortHeader, StatusFilter, useListState } from "./sort-header";
import { StatusBadge } from "./status-badge";
import { TagList } from "./tag-editor";
import { useTRPC } from "./trpc";
import { useScrollToHash } from "./use-scroll-to-hash";

/** Sessions, newest first unless sorted otherwise (in SQL): all of them, or one workspace's. */
export function SessionTable({ workspaceId }: { workspaceId?: number }) {
  const trpc = useTRPC();
  const { sort, setSort, status, setStatus } = useListState("s", SESSION_SORTS, SESSION_STATUSES);
  // The rows shown stay while a new sort loads: the table does not blink out.
  const sessions = useQuery(trpc.session.list.queryOptions({ workspaceId, ...sort, status: status ?? undefined }, { placeholderData: keepPreviousData }));
  const workspaces = useQuery(trpc.workspace.list.queryOptions());
  const names = new Map(workspaces.data?.map((w) => [w.id, w.name]));
  useScrollToHash("sessions", !!sessions.data?.length);
  if (!sessions.data?.length && status === null) return workspaceId === undefined ? null : <p className="muted">No session on this workspace yet: start one above.</p>;
  const head = (label: string, column: SessionSort, className?: string) => (
    <SortHeader label={label} sorted={sort.sort === column} desc={sort.desc} onClick={() => setSort(nextSort(sort, column))} className={className} />
  );
  return (
    <section aria-label="sessions" id="sessions">
      <h2>
        Sessions <StatusFilter value={status} statuses={SESSION_STATUSES} onChange={setStatus} label="session status" />
      </h2>
      <table className="table sessions" aria-label="sessions">
        <thead>
          <tr>
            {head("session", "id")}
            <th>workspace</th>
            <th>branch</th>
            {head("status", "status")}
            {head("proposer", "proposer")}
            {head("experiments", "experiments", "num")}
            {head("best", "best", "num")}
            <th>note</th>
          </tr>
        </thead>
        <tbody>
          {sessions.data?.length === 0 && (
            <tr>
              <td colSpan={8} className="muted">
                No {status} session.
              </td>
            </tr>
          )}
          {sessions.data?.map((s) => (
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
              <td className="num">{s.experimentCount}</td>
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
