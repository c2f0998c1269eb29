"use client";
import { useQueries, useQuery } from "@tanstack/react-query";
import type { inferRouterOutputs } from "@trpc/server";
import Link from "next/link";
import { useState } from "react";
import { EXPERIMENT_KINDS, type ExperimentQuery, isDefaultQuery, isFiltered, sortedBy } from "../core/experiment-query";
import { RISK_LEVELS } from "../core/gate/rules";
import { MAX_COMPARED } from "../core/limits";
import { EXPERIMENT_STATUSES } from "../core/types";
import { formatDelta, formatValue } from "../core/format";
import type { AppRouter } from "../server/root";
import { ExportPanel } from "./export-panel";
import { compareHref } from "./hrefs";
import { SortHeader } from "./sort-header";
import { StatusBadge } from "./status-badge";
import { pagesFor, tableRows } from "./table-rows";
import { useTRPC } from "./trpc";
import { TagList } from "./tag-editor";
import { useExperimentQuery } from "./use-experiment-query";
import { useWindowedRows } from "./use-windowed-rows";

type Detail = inferRouterOutputs<AppRouter>["session"]["byId"];
type Experiment = inferRouterOutputs<AppRouter>["session"]["experimentRows"][number];

/** Rows have one line each, so a long session can render only those in view. */
const ROW_HEIGHT = 37;
const TABLE_VIEWPORT = 640;
/** Experiments are fetched this many at a time, as the window needs them. */
const PAGE = 100;

/** Experiments, newest first, with each steering note placed before the experiments proposed after it. */
export function ExperimentTable({ sessionId, count: sessionCount, notes: allNotes }: { sessionId: number; count: number; notes: Detail["steering"] }) {
  const trpc = useTRPC();
  const [picked, setPicked] = useState<number[]>([]);
  const [exporting, setExporting] = useState(false);
  const [query, setQuery] = useExperimentQuery();
  // Sorted or filtered, the rows are the database's answer, and steering notes (placed in time) are left out.
  const plain = isDefaultQuery(query);
  const tags = useQuery(trpc.session.experimentTags.queryOptions({ id: sessionId }));
  const axes = useQuery(trpc.session.experimentAxes.queryOptions({ id: sessionId }));
  const filteredCount = useQuery({ ...trpc.session.experimentCount.queryOptions({ id: sessionId, query }), enabled: isFiltered(query) });
  const count = isFiltered(query) ? (filteredCount.data ?? 0) : sessionCount;
  const notes = plain ? allNotes : [];
  const total = count + notes.length;
  const view = useWindowedRows(total, ROW_HEIGHT, TABLE_VIEWPORT);
  const visible = tableRows(count, notes, view.start, view.end);
  const pageNumbers = pagesFor(visible, PAGE);
  const pages = useQueries({
    queries: pageNumbers.map((p) => trpc.session.experimentRows.queryOptions({ id: sessionId, offset: p * PAGE, limit: PAGE, ...(plain ? {} : { query }) })),
  });
  const experimentAt = (offset: number) => pages[pageNumbers.indexOf(Math.floor(offset / PAGE))]?.data?.[offset % PAGE];
  const noteText = new Map(notes.map((n) => [n.id, n.text]));
  const toggle = (id: number) => setPicked((p) => (p.includes(id) ? p.filter((x) => x !== id) : [...p, id]));
  return (
    <section>
      <h2>
        Experiments{" "}
        <SelectionActions
          picked={picked}
          exporting={exporting}
          onExport={() => setExporting((x) => !x)}
          onClear={() => {
            setPicked([]);
            setExporting(false);
          }}
        />
      </h2>
      {exporting && picked.length > 0 && <ExportPanel source={{ experimentIds: picked }} />}
      <TableFilters query={query} onChange={setQuery} shown={isFiltered(query) ? (filteredCount.data ?? null) : null} tags={tags.data ?? []} axes={axes.data ?? []} />
      <div className={view.windowed ? "table-wrap table-scroll" : "table-wrap"} style={view.windowed ? { maxHeight: TABLE_VIEWPORT } : undefined} onScroll={view.onScroll}>
        <table className="table experiments" aria-label="experiments" aria-rowcount={total + 1}>
          <thead>
            <tr>
              <th aria-label="select" />
              <QuerySortHeader label="#" column="idx" query={query} onChange={setQuery} />
              <QuerySortHeader label="change" column="title" query={query} onChange={setQuery} />
              <QuerySortHeader label="status" column="status" query={query} onChange={setQuery} />
              <QuerySortHeader label="metric" column="metric" query={query} onChange={setQuery} />
              <QuerySortHeader label="Δ" column="delta" query={query} onChange={setQuery} />
              <th>commit</th>
              <th>reason</th>
            </tr>
          </thead>
          <tbody>
            {view.padTop > 0 && <tr style={{ height: view.padTop }} aria-hidden />}
            {visible.map((row) => {
              if (row.kind === "note")
                return (
                  <tr key={`note-${row.noteId}`} className="note-row">
                    <td colSpan={8}>steering: {noteText.get(row.noteId)}</td>
                  </tr>
                );
              const e = experimentAt(row.offset);
              return e ? (
                <ExperimentRow key={e.id} e={e} picked={picked.includes(e.id)} onPick={() => toggle(e.id)} onTag={(tag) => setQuery({ ...query, tag })} />
              ) : (
                <tr key={`loading-${row.offset}`} style={{ height: ROW_HEIGHT }}>
                  <td colSpan={8} className="muted">
                    …
                  </td>
                </tr>
              );
            })}
            {view.padBottom > 0 && <tr style={{ height: view.padBottom }} aria-hidden />}
          </tbody>
        </table>
      </div>
    </section>
  );
}

/** A column's header that sorts the table by it; a second click turns the order over. */
function QuerySortHeader({ label, column, query, onChange }: { label: string; column: ExperimentQuery["sort"]; query: ExperimentQuery; onChange: (q: ExperimentQuery) => void }) {
  return <SortHeader label={label} sorted={query.sort === column} desc={query.desc} onClick={() => onChange(sortedBy(query, column))} />;
}

const ANY = "";

/** One filter of fixed choices, "any" for none. */
function ChoiceFilter<T extends string>({ label, value, choices, onChange }: { label: string; value: T | undefined; choices: readonly T[]; onChange: (value: T | undefined) => void }) {
  return (
    <label>
      {label}{" "}
      <select value={value ?? ANY} onChange={(e) => onChange((e.target.value || undefined) as T | undefined)}>
        <option value={ANY}>any</option>
        {choices.map((c) => (
          <option key={c} value={c}>
            {c.replace(/_/g, " ")}
          </option>
        ))}
      </select>
    </label>
  );
}

/** The table's filters: status, kind, gate level, tag, what it tried, words in the title or hypothesis, and a metric range. */
function TableFilters({
  query,
  onChange,
  shown,
  tags,
  axes,
}: {
  query: ExperimentQuery;
  onChange: (q: ExperimentQuery) => void;
  shown: number | null;
  tags: readonly string[];
  axes: readonly { name: string; experiments: number }[];
}) {
  const set = (patch: Partial<ExperimentQuery>) => {
    const next = { ...query, ...patch };
    for (const key of Object.keys(patch) as (keyof ExperimentQuery)[]) if (next[key] === undefined) delete next[key];
    onChange(next);
  };
  const number = (raw: string) => (raw.trim() === "" || !Number.isFinite(Number(raw)) ? undefined : Number(raw));
  return (
    <search className="table-filters" aria-label="filter experiments">
      <ChoiceFilter label="status" value={query.status} choices={EXPERIMENT_STATUSES} onChange={(status) => set({ status })} />
      <ChoiceFilter label="kind" value={query.kind} choices={EXPERIMENT_KINDS} onChange={(kind) => set({ kind })} />
      <ChoiceFilter label="gate" value={query.gate} choices={RISK_LEVELS} onChange={(gate) => set({ gate })} />
      {(tags.length > 0 || query.tag) && <ChoiceFilter label="tag" value={query.tag} choices={query.tag && !tags.includes(query.tag) ? [...tags, query.tag] : tags} onChange={(tag) => set({ tag })} />}
      {(axes.length > 0 || query.tried) && (
        <label title="what an experiment changed: a constant, or a definition (function, class)">
          tried{" "}
          <select value={query.tried ?? ANY} onChange={(e) => set({ tried: e.target.value || undefined })}>
            <option value={ANY}>anything</option>
            {query.tried && !axes.some((a) => a.name === query.tried) && <option value={query.tried}>{query.tried}</option>}
            {axes.map((a) => (
              <option key={a.name} value={a.name}>
                {a.name} ({a.experiments})
              </option>
            ))}
          </select>
        </label>
      )}
      <label>
        text <input type="search" value={query.text ?? ""} placeholder="title or hypothesis" maxLength={200} onChange={(e) => set({ text: e.target.value || undefined })} />
      </label>
      <label>
        metric from <input type="number" step="any" className="num-input" value={query.metricMin ?? ""} onChange={(e) => set({ metricMin: number(e.target.value) })} aria-label="metric at least" />
      </label>
      <label>
        to <input type="number" step="any" className="num-input" value={query.metricMax ?? ""} onChange={(e) => set({ metricMax: number(e.target.value) })} aria-label="metric at most" />
      </label>
      {isFiltered(query) && (
        <>
          <span className="muted" aria-live="polite">
            {shown === null ? "…" : `${shown} shown`}
          </span>
          <button type="button" className="link" onClick={() => onChange({ sort: query.sort, desc: query.desc })}>
            clear filters
          </button>
        </>
      )}
    </search>
  );
}

/** What can be done with the ticked experiments: compare them (up to MAX_COMPARED), export them, or untick them all. */
function SelectionActions({ picked, exporting, onExport, onClear }: { picked: number[]; exporting: boolean; onExport: () => void; onClear: () => void }) {
  if (picked.length === 0) return <span className="muted">tick experiments to compare or export them</span>;
  return (
    <>
      {picked.length >= 2 && picked.length <= MAX_COMPARED ? (
        <Link href={compareHref(picked)} className="button">
          Compare {picked.length}
        </Link>
      ) : (
        <span className="muted">{picked.length < 2 ? "tick one more to compare" : `compare at most ${MAX_COMPARED} at once`}</span>
      )}{" "}
      <button type="button" aria-pressed={exporting} onClick={onExport}>
        Export {picked.length}
      </button>{" "}
      <button type="button" className="link" onClick={onClear}>
        clear
      </button>
    </>
  );
}

function ExperimentRow({ e, picked, onPick, onTag }: { e: Experiment; picked: boolean; onPick: () => void; onTag: (tag: string) => void }) {
  return (
    <tr>
      <td>
        <input type="checkbox" checked={picked} onChange={onPick} aria-label={`select #${e.idx}`} disabled={!e.ran} />
      </td>
      <td>{e.idx}</td>
      <td className="title" title={e.title}>
        <Link href={`/experiments/${e.id}`}>{e.title}</Link>
        {e.tried && (
          <span className="muted mono tried" aria-label="tried">
            {" "}
            · {e.tried}
          </span>
        )}
        {e.humanEdited && (
          <span className="muted" title="a human edited it before it ran">
            {" "}
            · co-authored
          </span>
        )}
        <TagList tags={e.tags} onPick={onTag} />
      </td>
      <td>
        <StatusBadge status={e.status} />
      </td>
      <td className="num">
        {formatValue(e.metricValue)}
        {e.runs && (
          <span className="muted spread" aria-label="runs" title={`mean of ${e.runs.n} runs: ${e.runs.values.map(formatValue).join(", ")}`}>
            {" "}
            ± {formatValue(e.runs.std)} ×{e.runs.n}
          </span>
        )}
      </td>
      <td className={`num ${e.delta === null || e.kind === "baseline" ? "" : e.delta > 0 ? "good" : e.delta < 0 ? "bad" : ""}`}>
        {e.delta !== null && e.kind !== "baseline" ? formatDelta(e.delta) : ""}
      </td>
      <td className="mono">{e.commitSha?.slice(0, 7) ?? ""}</td>
      <td className="muted ellipsis" title={e.reason ?? ""}>
        {e.reason?.split("\n")[0] ?? ""}
      </td>
    </tr>
  );
}
