/**
 * The sort of a plain list (sessions, runs) as its URL parameter carries it: "best" ascending, "-best"
 * descending, as the experiment table's ?sort= reads. Pure.
 */
export interface ListSort<C extends string> {
  sort: C;
  desc: boolean;
}

export const SESSION_SORTS = ["id", "status", "proposer", "best", "experiments"] as const;
export type SessionSort = (typeof SESSION_SORTS)[number];
export const RUN_SORTS = ["id", "status", "metric", "duration"] as const;
export type RunSort = (typeof RUN_SORTS)[number];

/** The sort a parameter names; anything else is the fallback (the link still opens). */
export function parseSort<C extends string>(raw: string | null, columns: readonly C[], fallback: ListSort<C>): ListSort<C> {
  if (!raw) return fallback;
  const desc = raw.startsWith("-");
  const column = (desc ? raw.slice(1) : raw) as C;
  return columns.includes(column) ? { sort: column, desc } : fallback;
}

export function showSort<C extends string>(s: ListSort<C>): string {
  return `${s.desc ? "-" : ""}${s.sort}`;
}

/** A click on a column: the other way round if it is the sorted one, else that column, highest first. */
export function nextSort<C extends string>(current: ListSort<C>, column: C): ListSort<C> {
  return current.sort === column ? { sort: column, desc: !current.desc } : { sort: column, desc: true };
}
