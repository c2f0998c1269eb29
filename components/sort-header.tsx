"use client";
import type { ListSort } from "../core/list-sort";
import { parseSort, showSort } from "../core/list-sort";
import { useUrlState } from "./use-url-state";

/** A column heading that sorts its table: a click sorts by it, a second click the other way. */
export function SortHeader({ label, sorted, desc, onClick, className }: { label: string; sorted: boolean; desc: boolean; onClick: () => void; className?: string }) {
  return (
    <th aria-sort={sorted ? (desc ? "descending" : "ascending") : "none"} className={className}>
      <button type="button" className="link sort" onClick={onClick} title={`sort by ${label}`}>
        {label}
        {sorted ? (desc ? " ▼" : " ▲") : ""}
      </button>
    </th>
  );
}

/** A list's sort and status filter, kept in the URL under its own keys (two lists share the home page). */
export function useListState<C extends string, S extends string>(prefix: string, columns: readonly C[], statuses: readonly S[]) {
  const fallback: ListSort<C> = { sort: columns[0]!, desc: true };
  const [sort, setSort] = useUrlState<ListSort<C>>(`${prefix}sort`, fallback, (r) => parseSort(r, columns, fallback), showSort);
  const [status, setStatus] = useUrlState<S | null>(
    `${prefix}status`,
    null,
    (r) => (statuses.includes(r as S) ? (r as S) : null),
    (v) => v ?? "",
  );
  return { sort, setSort, status, setStatus };
}

/** A status filter of a list: "any" or one status. */
export function StatusFilter<S extends string>({ value, statuses, onChange, label }: { value: S | null; statuses: readonly S[]; onChange: (s: S | null) => void; label: string }) {
  return (
    <label className="muted list-filter">
      status{" "}
      <select value={value ?? ""} onChange={(e) => onChange((e.target.value || null) as S | null)} aria-label={label}>
        <option value="">any</option>
        {statuses.map((s) => (
          <option key={s} value={s}>
            {s.replace(/_/g, " ")}
          </option>
        ))}
      </select>
    </label>
  );
}
