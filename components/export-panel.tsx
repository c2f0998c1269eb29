"use client";
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import Link from "next/link";
import { EXPORT_FORMATS, EXPORT_LABELS, type ExportFormat } from "../core/export-files";
import { formatValue } from "../core/format";
import { compareHref } from "./hrefs";
import { useTRPC } from "./trpc";

/** A session's exports, or a selection's (any experiments of one workspace, each one's own change replayed on the baseline). */
export type ExportSource = { sessionId: number; baselineCommit: string; closestDiscarded?: Closest | null; metricName?: string } | { experimentIds: number[] };

/** The discarded experiments that came closest, offered when a session kept nothing; `together` apply as one selection. */
interface Closest {
  closest: { id: number; idx: number; title: string; metricValue: number | null }[];
  together: number[];
}

const urlOf = (source: ExportSource, f: ExportFormat) =>
  "sessionId" in source ? `/api/sessions/${source.sessionId}/export?format=${f}` : `/api/experiments/export?ids=${source.experimentIds.join(",")}&format=${f}`;

/** Downloads and copy-to-clipboard; what is exported applies to the baseline commit. */
export function ExportPanel({ source }: { source: ExportSource }) {
  const trpc = useTRPC();
  const ids = "experimentIds" in source ? source.experimentIds : [];
  const check = useQuery(trpc.compare.exportCheck.queryOptions({ ids }, { enabled: ids.length > 0 }));
  const [copied, setCopied] = useState<ExportFormat | null>(null);
  const [error, setError] = useState<string | null>(null);
  const copy = async (f: ExportFormat) => {
    setError(null);
    const res = await fetch(urlOf(source, f));
    const text = await res.text();
    if (!res.ok) return setError(text);
    try {
      await navigator.clipboard.writeText(text);
      setCopied(f);
    } catch {
      setError("the browser did not allow copying: download the file instead");
    }
  };
  const selection = "experimentIds" in source;
  const problem = check.data?.problem ?? null;
  const closest = "sessionId" in source ? (source.closestDiscarded ?? null) : null;
  // Nothing kept: the patch and the diff would be empty, so only the record is offered, and the closest tries.
  const formats = closest ? EXPORT_FORMATS.filter((f) => f === "tsv" || f === "json") : EXPORT_FORMATS;
  return (
    <section aria-label={selection ? "export the selection" : "export"}>
      <h2>{selection ? `Export the selection (${ids.length})` : "Export"}</h2>
      {problem ? (
        <p className="error">{problem}</p>
      ) : (
        <ul className="exports">
          {formats.map((f) => (
            <li key={f}>
              <a href={`${urlOf(source, f)}&download=1`} download>
                Download {f}
              </a>{" "}
              <button type="button" className="link" onClick={() => void copy(f)}>
                {copied === f ? "copied" : "copy"}
              </button>{" "}
              <span className="muted">
                {selection && f === "patch" ? "one commit per selected experiment (git format-patch mbox)" : selection && f === "diff" ? "one diff, baseline → all selected" : EXPORT_LABELS[f]}
              </span>
            </li>
          ))}
        </ul>
      )}
      {selection ? (
        <p className="muted">
          Each selected experiment&apos;s own change (kept or not), replayed in the order they were proposed on its session&apos;s baseline commit. Apply the patch there with <code>git am</code>, or
          the diff with <code>git apply</code>.
        </p>
      ) : closest && "sessionId" in source ? (
        <NothingKept closest={closest} metricName={source.metricName ?? "metric"} />
      ) : (
        <p className="muted">
          Apply the winning chain to the baseline <span className="mono">{source.baselineCommit.slice(0, 7)}</span> with <code>git am overseer-*.patch</code>, or the diff with <code>git apply</code>.
        </p>
      )}
      {error && <p className="error">{error}</p>}
    </section>
  );
}

function NothingKept({ closest: { closest, together }, metricName }: { closest: Closest; metricName: string }) {
  return (
    <div aria-label="nothing kept">
      <p>
        <strong>Nothing was kept beyond the baseline</strong>, so there is no winning patch to apply.{" "}
        {closest.length === 0 ? "No experiment ran to the end and was discarded either." : "The discarded experiments that came closest:"}
      </p>
      {closest.length > 0 && (
        <>
          <ul>
            {closest.map((e) => (
              <li key={e.id}>
                <Link href={`/experiments/${e.id}`}>
                  #{e.idx} {e.title}
                </Link>{" "}
                <span className="muted">
                  {metricName} {formatValue(e.metricValue)}
                </span>
              </li>
            ))}
          </ul>
          <p>
            {together.length === 0 ? (
              <span className="muted">None of their changes applies to the baseline on its own.</span>
            ) : (
              <Link href={compareHref(together)}>
                {together.length === 1 ? `Compare and export #${closest.find((e) => e.id === together[0])?.idx ?? "?"}'s change` : `Compare and export these ${together.length}`}
              </Link>
            )}{" "}
            <span className="muted">(each one&apos;s own change, on the baseline{together.length < closest.length ? "; the others change the same lines" : ""})</span>
          </p>
        </>
      )}
    </div>
  );
}
