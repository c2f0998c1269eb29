"use client";
import dynamic from "next/dynamic";
import { useState } from "react";
import { useDarkMode } from "./use-dark-mode";

const MonacoDiff = dynamic(() => import("./monaco-diff"), { ssr: false, loading: () => <p className="muted">Loading the diff editor…</p> });

/** Three quarters of the window, so a long diff scrolls inside the editor and the page's controls stay in reach. */
const diffMaxHeight = () => (typeof window === "undefined" ? 600 : Math.max(240, Math.round(window.innerHeight * 0.75)));

export type FileChanges = Record<string, { before: string | null; after: string | null }>;

/**
 * The changed files of an experiment, parent on the left and candidate on the right, one tab per file.
 * `onEdit` makes the candidate editable (Edit then approve).
 */
export interface LineNote {
  file: string;
  line: number;
  level: string;
  text: string;
}

export function CodeDiff({
  files,
  onEdit,
  labels = ["parent", "candidate"],
  notes = [],
}: {
  files: FileChanges;
  onEdit?: (file: string, content: string) => void;
  labels?: [string, string];
  /** The gate's reasons, shown beside the candidate's lines they point at. */
  notes?: LineNote[];
}) {
  const names = Object.keys(files);
  const [chosen, setChosen] = useState(names[0] ?? "");
  const dark = useDarkMode();
  const file = names.includes(chosen) ? chosen : (names[0] ?? "");
  if (!file) return <p className="muted">No file changed.</p>;
  const f = files[file]!;
  return (
    <div className="code-diff" aria-label="diff editor">
      {names.length > 1 && (
        <div className="tabs" role="tablist">
          {names.map((n) => (
            <button key={n} type="button" role="tab" aria-selected={n === file} className={n === file ? "tab active" : "tab"} onClick={() => setChosen(n)}>
              {n}
            </button>
          ))}
        </div>
      )}
      <div className="muted diff-labels">
        <span>
          {labels[0]}: {file}
        </span>
        <span>
          {labels[1]}: {file}
          {onEdit ? " (editable)" : ""}
        </span>
      </div>
      <MonacoDiff
        key={`${file}:${onEdit ? "edit" : "view"}`}
        file={file}
        original={f.before ?? ""}
        modified={f.after ?? ""}
        dark={dark}
        maxHeight={diffMaxHeight()}
        onChange={onEdit ? (c) => onEdit(file, c) : undefined}
        notes={notes.filter((n) => n.file === file)}
      />
    </div>
  );
}
