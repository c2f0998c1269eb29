/**
 * What the experiment table shows: its sort and its filters, as the URL carries them (?sort=-metric&status=kept),
 * so a link or a reload shows the same rows. Pure: the database reads it in SQL (db/queries/experiments).
 */
import { z } from "zod";
import { RISK_LEVELS } from "./gate/rules";
import { tagSchema } from "./tags";
import { EXPERIMENT_STATUSES } from "./types";

export const EXPERIMENT_SORTS = ["idx", "title", "status", "metric", "delta"] as const;
/** An experiment's kind, and "human-edited" for one a human changed before it ran. */
export const EXPERIMENT_KINDS = ["baseline", "proposal", "fix", "human-edited"] as const;

export const experimentQuerySchema = z
  .object({
    sort: z.enum(EXPERIMENT_SORTS).default("idx"),
    desc: z.boolean().default(true),
    status: z.enum(EXPERIMENT_STATUSES).optional(),
    kind: z.enum(EXPERIMENT_KINDS).optional(),
    gate: z.enum(RISK_LEVELS).optional(),
    proposer: z.string().min(1).max(100).optional(),
    /** One of a human's tags (core/tags). */
    tag: tagSchema.optional(),
    /** Words in the title or the hypothesis. */
    text: z.string().min(1).max(200).optional(),
    /** What it tried (core/change-axis): a constant it changed ("LR") or a definition it touched ("attention()"). */
    tried: z.string().min(1).max(200).optional(),
    metricMin: z.number().finite().optional(),
    metricMax: z.number().finite().optional(),
  })
  .strict();

export type ExperimentQuery = z.infer<typeof experimentQuerySchema>;

/** Newest first, everything: the table as it was before sorting and filtering. */
export const DEFAULT_EXPERIMENT_QUERY: ExperimentQuery = { sort: "idx", desc: true };

/** Whether any filter narrows the rows (the count then comes from the database, not the session's total). */
export function isFiltered(q: ExperimentQuery): boolean {
  return (
    q.status !== undefined ||
    q.kind !== undefined ||
    q.gate !== undefined ||
    q.proposer !== undefined ||
    q.tag !== undefined ||
    q.text !== undefined ||
    q.tried !== undefined ||
    q.metricMin !== undefined ||
    q.metricMax !== undefined
  );
}

export function isDefaultQuery(q: ExperimentQuery): boolean {
  return !isFiltered(q) && q.sort === "idx" && q.desc;
}

const PARAMS = { status: "status", kind: "kind", gate: "gate", proposer: "proposer", tag: "tag", text: "q", tried: "tried", metricMin: "min", metricMax: "max" } as const;

/** The query a URL's parameters name; a value that is not one the table knows is left out (the link still opens). */
export function queryFromParams(params: URLSearchParams): ExperimentQuery {
  const q: ExperimentQuery = { ...DEFAULT_EXPERIMENT_QUERY };
  const sort = params.get("sort");
  if (sort) {
    const desc = sort.startsWith("-");
    const column = desc ? sort.slice(1) : sort;
    if ((EXPERIMENT_SORTS as readonly string[]).includes(column)) Object.assign(q, { sort: column, desc });
  }
  for (const [field, param] of Object.entries(PARAMS) as [keyof typeof PARAMS, string][]) {
    const raw = params.get(param);
    if (raw === null || raw === "") continue;
    const value = field === "metricMin" || field === "metricMax" ? Number(raw) : raw;
    const one = experimentQuerySchema.shape[field].safeParse(value);
    if (one.success && one.data !== undefined) Object.assign(q, { [field]: one.data });
  }
  return q;
}

/** The URL parameters of a query: only what differs from the default, so the plain table has a plain URL. */
export function queryToParams(q: ExperimentQuery): URLSearchParams {
  const params = new URLSearchParams();
  if (q.sort !== "idx" || !q.desc) params.set("sort", `${q.desc ? "-" : ""}${q.sort}`);
  for (const [field, param] of Object.entries(PARAMS) as [keyof typeof PARAMS, string][]) {
    const value = q[field];
    if (value !== undefined) params.set(param, String(value));
  }
  return params;
}

/** A click on a column's header: sorted by it, or its order turned over when it already is. */
export function sortedBy(q: ExperimentQuery, column: ExperimentQuery["sort"]): ExperimentQuery {
  if (q.sort === column) return { ...q, desc: !q.desc };
  // Numbers start highest (the largest gain first), words at A.
  return { ...q, sort: column, desc: column !== "title" && column !== "status" };
}
