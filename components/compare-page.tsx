"use client";
import { useQueries, useQuery } from "@tanstack/react-query";
import type { inferRouterOutputs } from "@trpc/server";
import Link from "next/link";
import { useState } from "react";
import { hardwareMismatch } from "../core/gpu";
import { formatValue } from "../core/format";
import { MAX_COMPARED } from "../core/limits";
import type { AppRouter } from "../server/root";
import { CodeDiff, type FileChanges } from "./code-diff";
import { ExportPanel } from "./export-panel";
import { compareHref } from "./hrefs";
import { PanelGrid } from "./panel-grid";
import { StatusBadge } from "./status-badge";
import { useTRPC } from "./trpc";

type Compared = inferRouterOutputs<AppRouter>["compare"]["experiments"];
type Item = Compared["experiments"][number];

const COLORS = ["#2563eb", "#dc2626", "#059669", "#d97706", "#7c3aed", "#db2777", "#0891b2", "#4b5563"];
const nameOf = (e: Item) => `#${e.idx} ${e.title} (${e.session.tag})`;

/** Experiments side by side: overlaid curves, summaries and hyperparameters with differences marked, a diff of any two. */
export function ComparePage({ ids }: { ids: number[] }) {
  const trpc = useTRPC();
  const tooMany = ids.length > MAX_COMPARED;
  const data = useQuery(trpc.compare.experiments.queryOptions({ ids }, { enabled: ids.length > 0 && !tooMany }));
  if (ids.length === 0) return <p className="muted">Pick experiments to compare: tick them in a session&apos;s experiment table, then Compare.</p>;
  if (tooMany)
    return (
      <p className="error">
        Compare at most {MAX_COMPARED} experiments at once; this link has {ids.length}. <Link href={compareHref(ids.slice(0, MAX_COMPARED))}>Compare the first {MAX_COMPARED}</Link>, or export all{" "}
        {ids.length} from the session&apos;s experiment table.
      </p>
    );
  if (data.error)
    return (
      <p className="error">
        {data.error.message} — <Link href="/">home</Link>
      </p>
    );
  if (!data.data) return <p className="muted">Loading…</p>;
  const { experiments, metric, workspace } = data.data;
  return (
    <article aria-label="compare">
      <h1>
        Compare {experiments.length} experiments <span className="muted">· {workspace.name}</span>
      </h1>
      <Columns experiments={experiments} ids={ids} metricName={metric.name} />
      <HardwareWarning experiments={experiments} />
      {experiments.length < 2 && <p className="muted">Add at least one more experiment to compare.</p>}
      <AddExperiment workspaceId={workspace.id} ids={ids} />
      <Curves experiments={experiments} />
      <SummaryComparison experiments={experiments} metricName={metric.name} goal={metric.goal} />
      <HyperparameterComparison experiments={experiments} />
      {experiments.length >= 2 && <DiffAnyTwo experiments={experiments} />}
      <ExportPanel source={{ experimentIds: experiments.map((e) => e.id) }} />
    </article>
  );
}

/** Results from different GPUs (or drivers) are not comparable: say so above everything else. */
function HardwareWarning({ experiments }: { experiments: Item[] }) {
  const why = hardwareMismatch(experiments.filter((e) => e.run).map((e) => ({ label: `#${e.idx}`, gpu: e.run!.gpu })));
  return why ? (
    <p className="hardware-warning" role="alert">
      {why}
    </p>
  ) : null;
}

function Columns({ experiments, ids, metricName }: { experiments: Item[]; ids: number[]; metricName: string }) {
  return (
    <ul className="compare-columns" aria-label="compared experiments">
      {experiments.map((e, i) => (
        <li key={e.id} style={{ borderTopColor: COLORS[i % COLORS.length] }}>
          <Link href={`/experiments/${e.id}`}>{nameOf(e)}</Link> <StatusBadge status={e.status} />
          <span className="mono">
            {" "}
            {metricName} {formatValue(e.metricValue)}
          </span>{" "}
          <Link href={compareHref(ids.filter((id) => id !== e.id))} aria-label={`remove #${e.idx}`} className="muted">
            remove
          </Link>
        </li>
      ))}
    </ul>
  );
}

function AddExperiment({ workspaceId, ids }: { workspaceId: number; ids: number[] }) {
  const trpc = useTRPC();
  const [q, setQ] = useState("");
  const found = useQuery(trpc.compare.candidates.queryOptions({ workspaceId, q }));
  const options = (found.data ?? []).filter((c) => !ids.includes(c.id)).slice(0, 12);
  return (
    <details className="add-experiment">
      <summary>Add an experiment from any session of this workspace</summary>
      <input placeholder="search titles" value={q} onChange={(ev) => setQ(ev.target.value)} aria-label="search experiments" />
      <ul>
        {options.map((c) => (
          <li key={c.id}>
            <Link href={compareHref([...ids, c.id])}>
              #{c.idx} {c.title}
            </Link>{" "}
            <span className="muted">
              {c.sessionTag} · {c.status} · {formatValue(c.metricValue)}
            </span>
          </li>
        ))}
        {found.data && options.length === 0 && <li className="muted">No other experiment that ran matches.</li>}
      </ul>
    </details>
  );
}

/** Every experiment's last run, overlaid in every panel; fixed-budget runs align on seconds since their start. */
function Curves({ experiments }: { experiments: Item[] }) {
  const trpc = useTRPC();
  const withRuns = experiments.map((e, i) => ({ e, color: COLORS[i % COLORS.length]! })).filter((x) => x.e.run);
  const series = useQueries({ queries: withRuns.map(({ e }) => trpc.run.series.queryOptions({ runId: e.run!.id })) });
  if (withRuns.length === 0) return <p className="muted">None of these experiments has run.</p>;
  if (series.some((s) => !s.data)) return <p className="muted">Loading the curves…</p>;
  const curves = withRuns.map(({ e, color }, i) => ({ label: nameOf(e), series: series[i]!.data!, startedAt: e.run!.startedAt, color }));
  return <PanelGrid curves={curves} live={false} defaultX="seconds" />;
}

/** The header of a comparison table: one column per experiment, after the row names. */
function ColumnHeads({ experiments }: { experiments: Item[] }) {
  return (
    <thead>
      <tr>
        <th />
        {experiments.map((e) => (
          <th key={e.id}>#{e.idx}</th>
        ))}
      </tr>
    </thead>
  );
}

/** A row whose cells are not all the same is marked, as W&B marks the columns that differ. */
const differs = (values: (string | undefined)[]) => new Set(values).size > 1;

function SummaryComparison({ experiments, metricName, goal }: { experiments: Item[]; metricName: string; goal: "minimize" | "maximize" }) {
  const keys = [...new Set(experiments.flatMap((e) => Object.keys(e.run?.summary ?? {})))];
  if (keys.length === 0) return null;
  const bestOf = (key: string) => {
    const values = experiments.map((e) => e.run?.summary?.[key]?.value).filter((v): v is number => typeof v === "number");
    return key === metricName && values.length ? (goal === "minimize" ? Math.min(...values) : Math.max(...values)) : null;
  };
  return (
    <section aria-label="summary comparison">
      <h2>Summary</h2>
      <table className="table compare-table">
        <ColumnHeads experiments={experiments} />
        <tbody>
          {keys.map((k) => {
            const raw = experiments.map((e) => e.run?.summary?.[k]?.raw);
            const best = bestOf(k);
            return (
              <tr key={k} className={differs(raw) ? "differs" : ""}>
                <th>{k}</th>
                {experiments.map((e, i) => (
                  <td key={e.id} className={`num mono ${best !== null && e.run?.summary?.[k]?.value === best ? "best" : ""}`}>
                    {raw[i] ?? "—"}
                  </td>
                ))}
              </tr>
            );
          })}
        </tbody>
      </table>
    </section>
  );
}

function HyperparameterComparison({ experiments }: { experiments: Item[] }) {
  const [onlyDifferences, setOnlyDifferences] = useState(true);
  const names = [...new Set(experiments.flatMap((e) => Object.keys(e.hyperparameters)))];
  const rows = names.map((n) => ({ n, values: experiments.map((e) => e.hyperparameters[n]) })).filter((r) => !onlyDifferences || differs(r.values));
  return (
    <section aria-label="hyperparameters">
      <h2>
        Hyperparameters{" "}
        <label className="muted">
          <input type="checkbox" checked={onlyDifferences} onChange={(ev) => setOnlyDifferences(ev.target.checked)} /> only differences
        </label>
      </h2>
      {names.length === 0 ? (
        <p className="muted">No top-level constants were found in these experiments&apos; code.</p>
      ) : rows.length === 0 ? (
        <p className="muted">All {names.length} hyperparameters are the same.</p>
      ) : (
        <table className="table compare-table">
          <ColumnHeads experiments={experiments} />
          <tbody>
            {rows.map((r) => (
              <tr key={r.n} className={differs(r.values) ? "differs" : ""}>
                <th className="mono">{r.n}</th>
                {r.values.map((v, i) => (
                  <td key={i} className="mono">
                    {v ?? "—"}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function DiffAnyTwo({ experiments }: { experiments: Item[] }) {
  const [left, setLeft] = useState(experiments[0]!.id);
  const [right, setRight] = useState(experiments[1]!.id);
  const a = experiments.find((e) => e.id === left) ?? experiments[0]!;
  const b = experiments.find((e) => e.id === right) ?? experiments[1]!;
  const files: FileChanges = {};
  for (const f of [...new Set([...Object.keys(a.files), ...Object.keys(b.files)])].sort()) {
    if (a.files[f] !== b.files[f]) files[f] = { before: a.files[f] ?? null, after: b.files[f] ?? null };
  }
  const pick = (value: number, set: (id: number) => void, label: string) => (
    <select value={value} onChange={(ev) => set(Number(ev.target.value))} aria-label={label}>
      {experiments.map((e) => (
        <option key={e.id} value={e.id}>
          {nameOf(e)}
        </option>
      ))}
    </select>
  );
  return (
    <section aria-label="code comparison">
      <h2>
        Code: {pick(a.id, setLeft, "left experiment")} → {pick(b.id, setRight, "right experiment")}
      </h2>
      {Object.keys(files).length === 0 ? <p className="muted">Their code is the same.</p> : <CodeDiff key={`${a.id}-${b.id}`} files={files} labels={[nameOf(a), nameOf(b)]} />}
    </section>
  );
}
