"use client";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { formatSeconds, formatValue } from "../core/format";
import { nextSort, RUN_SORTS, type RunSort } from "../core/list-sort";
import { RUN_STATUSES } from "../core/types";
import { SortHeader, StatusFilter, useListState } from "./sort-header";
import { StatusBadge } from "./status-badge";
import { useTRPC } from "./trpc";
import { useScrollToHash } from "./use-scroll-to-hash";

/** The newest runs unless sorted otherwise (in SQL: the first 50 of all, so sorted), of every workspace or of one (its page leaves the workspace column out). */
export function RunTable({ workspaceId }: { workspaceId?: number }) {
  const trpc = useTRPC();
  const { sort, setSort, status, setStatus } = useListState("r", RUN_SORTS, RUN_STATUSES);
  const runs = useQuery(trpc.run.list.queryOptions({ limit: 50, workspaceId, ...sort, status: status ?? undefined }, { placeholderData: keepPreviousData }));
  const workspaces = useQuery(trpc.workspace.list.queryOptions(undefined, { enabled: workspaceId === undefined }));
  const names = new Map(workspaces.data?.map((w) => [w.id, w.name]));
  const all = workspaceId === undefined;
  useScrollToHash("runs", !!runs.data?.length);
  if (!runs.data?.length && status === null) return all ? null : <p className="muted">No run yet: Start baseline run runs the workspace&apos;s code once, at HEAD.</p>;
  const head = (label: string, column: RunSort) => <SortHeader label={label} sorted={sort.sort === column} desc={sort.desc} onClick={() => setSort(nextSort(sort, column))} />;
  return (
    <section aria-label="runs" id="runs">
      <h2>
        Runs <StatusFilter value={status} statuses={RUN_STATUSES} onChange={setStatus} label="run status" />
      </h2>
      <table className="table" aria-label="runs">
        <thead>
          <tr>
            {head("run", "id")}
            {all && <th>workspace</th>}
            {head("status", "status")}
            {head("metric", "metric")}
            <th>commit</th>
            {head("duration", "duration")}
            <th>reason</th>
          </tr>
        </thead>
        <tbody>
          {runs.data?.length === 0 && (
            <tr>
              <td colSpan={all ? 7 : 6} className="muted">
                No {status} run.
              </td>
            </tr>
          )}
          {runs.data?.map((r) => (
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
