"use client";
import { useQuery } from "@tanstack/react-query";
import type { inferRouterOutputs } from "@trpc/server";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useMemo, useState } from "react";
import { formatValue } from "../core/format";
import { parallelOption, scatterOption } from "../core/hyperparameter-charts";
import { numericValue } from "../core/hyperparameters";
import type { AppRouter } from "../server/root";
import { EChart } from "./echart";
import { StatusBadge } from "./status-badge";
import { useTRPC } from "./trpc";
import { useUrlState } from "./use-url-state";
import { useWindowedRows } from "./use-windowed-rows";

type Hyper = inferRouterOutputs<AppRouter>["session"]["hyperparameters"];

/** Whose experiments: one session's, or every session of a workspace together. */
export type HyperparameterScope = { kind: "session" | "workspace"; id: number };
type Row = Hyper["rows"][number];

/** Parallel coordinates stay readable up to about this many axes: the most important constants get them. */
const MAX_PARALLEL_AXES = 12;
const ROW_HEIGHT = 33;
const TABLE_VIEWPORT = 560;

/** A session's (or a workspace's) hyperparameters against its metric: what moved it, a scatter of any constant, parallel coordinates, every experiment's values. */
export function HyperparameterPage({ scope }: { scope: HyperparameterScope }) {
  const trpc = useTRPC();
  // 10,000 rows: compared deeply on every refetch they would cost more than they save (the page reads them whole).
  const options = { structuralSharing: false };
  const session = useQuery(trpc.session.hyperparameters.queryOptions({ id: scope.id }, { ...options, enabled: scope.kind === "session" }));
  const workspace = useQuery(trpc.workspace.hyperparameters.queryOptions({ id: scope.id }, { ...options, enabled: scope.kind === "workspace" }));
  const hp = scope.kind === "session" ? session : workspace;
  if (hp.error) return <p className="error">{hp.error.message}</p>;
  const name = hp.data?.scope.name ?? `#${scope.id}`;
  return (
    <article aria-label="hyperparameters">
      <h1>
        <Link href={`/${scope.kind === "session" ? "sessions" : "workspaces"}/${scope.id}`}>{name}</Link> / hyperparameters
        {scope.kind === "workspace" && <span className="muted"> · every session</span>}
      </h1>
      {!hp.data ? <p className="muted">Reading every experiment&apos;s constants…</p> : <Views hp={hp.data} />}
    </article>
  );
}

function Views({ hp }: { hp: Hyper }) {
  // The most important constants first, then those that changed without a measured move.
  const order = useMemo(() => {
    const ranked = hp.importance.map((c) => c.name);
    return [...ranked, ...hp.names.filter((n) => !ranked.includes(n))];
  }, [hp]);
  if (hp.rows.length === 0) return <p className="muted">No experiment of this {hp.scope.kind} has code yet.</p>;
  if (hp.names.length === 0)
    return (
      <>
        <p className="muted">No top-level constant changed across the {hp.rows.length} experiments with code: their changes were to the code itself.</p>
        <Unchanged values={hp.unchanged} />
      </>
    );
  return (
    <>
      <Importance hp={hp} />
      <Scatter hp={hp} order={order} />
      <Parallel hp={hp} order={order} />
      <ConstantsTable hp={hp} order={order} />
      <Unchanged values={hp.unchanged} />
    </>
  );
}

function Importance({ hp }: { hp: Hyper }) {
  return (
    <section aria-label="importance">
      <h2>What moved {hp.metric.name}</h2>
      <p className="muted">
        Each experiment is a change to the one it was built on: the constants it changed are credited with how far {hp.metric.name} moved from its parent&apos;s. An experiment that changed one
        constant alone measures it cleanly.
      </p>
      {hp.importance.length === 0 ? (
        <p className="muted">No experiment that changed a constant has a metric beside its parent&apos;s yet.</p>
      ) : (
        <table className="table importance" aria-label="importance ranking">
          <thead>
            <tr>
              <th>constant</th>
              <th className="num">mean |Δ|</th>
              <th className="num">best gain</th>
              <th className="num">improved</th>
              <th className="num">experiments</th>
              <th className="num">alone</th>
            </tr>
          </thead>
          <tbody>
            {hp.importance.map((c) => (
              <tr key={c.name}>
                <td className="mono">{c.name}</td>
                <td className="num">{formatValue(c.meanAbsMove)}</td>
                <td className="num">{c.bestGain === null ? "—" : formatValue(c.bestGain)}</td>
                <td className="num">{c.improved}</td>
                <td className="num">{c.experiments}</td>
                <td className="num">{c.alone}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function Scatter({ hp, order }: { hp: Hyper; order: string[] }) {
  const router = useRouter();
  const [chosen, setChosen] = useUrlState<string | null>(
    "constant",
    null,
    (r) => r,
    (v) => v ?? "",
  );
  const name = chosen && order.includes(chosen) ? chosen : order[0]!;
  const { option, points } = useMemo(() => scatterOption(hp.rows, name, hp.metric.name), [hp.rows, name, hp.metric.name]);
  return (
    <section aria-label="scatter">
      <h2>
        <label>
          <select value={name} onChange={(e) => setChosen(e.target.value)} aria-label="constant">
            {order.map((n) => (
              <option key={n}>{n}</option>
            ))}
          </select>{" "}
          against {hp.metric.name}
        </label>{" "}
        <span className="muted">{points} experiments · click a point to open it</span>
      </h2>
      <EChart option={option} height={340} label={`${name} against ${hp.metric.name}`} marks={points} onPick={(d) => router.push(`/experiments/${d[2]}`)} />
    </section>
  );
}

function Parallel({ hp, order }: { hp: Hyper; order: string[] }) {
  const axes = useMemo(() => order.slice(0, MAX_PARALLEL_AXES), [order]);
  const { option, lines } = useMemo(() => parallelOption(hp.rows, axes, hp.metric.name, hp.metric.goal), [hp.rows, axes, hp.metric]);
  return (
    <section aria-label="parallel coordinates">
      <h2>
        Parallel coordinates{" "}
        <span className="muted">
          {lines} experiments · drag along an axis to pick a range
          {order.length > axes.length ? ` · the ${axes.length} most important of ${order.length} constants` : ""}
        </span>
      </h2>
      <EChart option={option} height={380} label="parallel coordinates" marks={lines} />
    </section>
  );
}

type SortKey = { column: string; desc: boolean };

function compareValues(a: string | number | null | undefined, b: string | number | null | undefined): number {
  if (a === b) return 0;
  if (a === null || a === undefined) return 1;
  if (b === null || b === undefined) return -1;
  const na = typeof a === "number" ? a : numericValue(a);
  const nb = typeof b === "number" ? b : numericValue(b);
  if (na !== null && nb !== null) return na - nb;
  return String(a).localeCompare(String(b));
}

// Ids follow creation, as each session's numbers do: "#" orders a workspace's sessions together too.
const cell = (r: Row, column: string) => (column === "#" ? r.id : column === "metric" ? r.metricValue : r.values[column]);

function ConstantsTable({ hp, order }: { hp: Hyper; order: string[] }) {
  const [sort, setSort] = useState<SortKey>({ column: "#", desc: true });
  const rows = useMemo(() => {
    const sorted = [...hp.rows].sort((a, b) => compareValues(cell(a, sort.column), cell(b, sort.column)));
    return sort.desc ? sorted.reverse() : sorted;
  }, [hp.rows, sort]);
  const view = useWindowedRows(rows.length, ROW_HEIGHT, TABLE_VIEWPORT);
  const head = (column: string, label = column) => (
    <th aria-sort={sort.column === column ? (sort.desc ? "descending" : "ascending") : undefined}>
      <button type="button" className="link sort" onClick={() => setSort({ column, desc: sort.column === column ? !sort.desc : column !== "metric" })}>
        {label}
        {sort.column === column ? (sort.desc ? " ▼" : " ▲") : ""}
      </button>
    </th>
  );
  return (
    <section aria-label="constants">
      <h2>
        Every experiment&apos;s constants <span className="muted">{hp.rows.length} experiments · the constants that changed</span>
      </h2>
      <div className={view.windowed ? "table-wrap table-scroll" : "table-wrap"} style={view.windowed ? { maxHeight: TABLE_VIEWPORT } : undefined} onScroll={view.onScroll}>
        <table className="table constants" aria-label="constants table" aria-rowcount={rows.length + 1}>
          <thead>
            <tr>
              {head("#")}
              <th>change</th>
              <th>status</th>
              {head("metric", hp.metric.name)}
              <th>changed</th>
              {order.map((n) => head(n))}
            </tr>
          </thead>
          <tbody>
            {view.padTop > 0 && <tr style={{ height: view.padTop }} aria-hidden />}
            {rows.slice(view.start, view.end).map((r) => (
              <tr key={r.id} style={{ height: ROW_HEIGHT }}>
                <td className="num">
                  <Link href={`/experiments/${r.id}`}>{hp.scope.kind === "workspace" ? `${r.sessionTag} #${r.idx}` : r.idx}</Link>
                </td>
                <td className="title-cell" title={r.title}>
                  {r.title}
                </td>
                <td>
                  <StatusBadge status={r.status} />
                </td>
                <td className="num">{formatValue(r.metricValue)}</td>
                <td className="mono muted" aria-label="changed">
                  {r.axis}
                </td>
                {order.map((n) => (
                  <td key={n} className="mono num">
                    {r.values[n] ?? "—"}
                  </td>
                ))}
              </tr>
            ))}
            {view.padBottom > 0 && <tr style={{ height: view.padBottom }} aria-hidden />}
          </tbody>
        </table>
      </div>
    </section>
  );
}

function Unchanged({ values }: { values: Record<string, string> }) {
  const entries = Object.entries(values);
  if (entries.length === 0) return null;
  return (
    <section aria-label="unchanged constants">
      <h2>Constants no experiment changed</h2>
      <p className="mono unchanged">
        {entries.map(([n, v]) => (
          <span key={n}>
            {n} = {v}
          </span>
        ))}
      </p>
    </section>
  );
}
