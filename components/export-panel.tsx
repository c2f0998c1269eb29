"use client";
import { useState } from "react";
import { EXPORT_FORMATS, EXPORT_LABELS, type ExportFormat } from "../core/export-files";

/** The session's exports as downloads and copy-to-clipboard; the patch applies to the baseline commit. */
export function ExportPanel({ sessionId, baselineCommit }: { sessionId: number; baselineCommit: string }) {
  const [copied, setCopied] = useState<ExportFormat | null>(null);
  const [error, setError] = useState<string | null>(null);
  const url = (f: ExportFormat) => `/api/sessions/${sessionId}/export?format=${f}`;
  const copy = async (f: ExportFormat) => {
    setError(null);
    const res = await fetch(url(f));
    const text = await res.text();
    if (!res.ok) return setError(text);
    try {
      await navigator.clipboard.writeText(text);
      setCopied(f);
    } catch {
      setError("the browser did not allow copying: download the file instead");
    }
  };
  return (
    <section aria-label="export">
      <h2>Export</h2>
      <ul className="exports">
        {EXPORT_FORMATS.map((f) => (
          <li key={f}>
            <a href={`${url(f)}&download=1`} download>
              Download {f}
            </a>{" "}
            <button type="button" className="link" onClick={() => void copy(f)}>
              {copied === f ? "copied" : "copy"}
            </button>{" "}
            <span className="muted">{EXPORT_LABELS[f]}</span>
          </li>
        ))}
      </ul>
      <p className="muted">
        Apply the winning chain to the baseline <span className="mono">{baselineCommit.slice(0, 7)}</span> with <code>git am overseer-*.patch</code>, or the diff with <code>git apply</code>.
      </p>
      {error && <p className="error">{error}</p>}
    </section>
  );
}
