"use client";
/**
 * Monaco's diff editor, served by the app itself: Monaco and its workers are bundled (the loader's default is a
 * CDN, and the machines Overseer runs on are often offline). Import only through next/dynamic with ssr: false.
 */
import { DiffEditor, loader } from "@monaco-editor/react";
import * as monaco from "monaco-editor";
import { useState } from "react";

self.MonacoEnvironment = {
  getWorker(_id: string, label: string) {
    // Literal `new Worker(new URL(...))` calls, so the bundler emits each worker.
    switch (label) {
      case "typescript":
      case "javascript":
        return new Worker(new URL("monaco-editor/language/typescript/ts.worker", import.meta.url), { type: "module" });
      case "json":
        return new Worker(new URL("monaco-editor/language/json/json.worker", import.meta.url), { type: "module" });
      default:
        return new Worker(new URL("monaco-editor/editor/editor.worker", import.meta.url), { type: "module" });
    }
  },
};
loader.config({ monaco });

export interface MonacoDiffProps {
  file: string;
  original: string;
  modified: string;
  /** When set, the candidate side is editable and every change is reported. */
  onChange?: (modified: string) => void;
  dark: boolean;
  height: number;
  /** The gate's reasons on lines of the candidate: shown at the line's end, with the level as the line's colour. */
  notes?: { line: number; level: string; text: string }[];
}

export function languageOf(file: string): string {
  const ext = file.slice(file.lastIndexOf(".") + 1).toLowerCase();
  const map: Record<string, string> = {
    py: "python",
    js: "javascript",
    mjs: "javascript",
    cjs: "javascript",
    ts: "typescript",
    json: "json",
    md: "markdown",
    sh: "shell",
    yaml: "yaml",
    yml: "yaml",
    toml: "ini",
  };
  return map[ext] ?? "plaintext";
}

/** Each note as a tinted line with its text after the line's end (injected after the range), and as a hover. */
function gateDecorations(model: monaco.editor.ITextModel, notes: NonNullable<MonacoDiffProps["notes"]>): monaco.editor.IModelDeltaDecoration[] {
  return notes
    .filter((n) => n.line >= 1 && n.line <= model.getLineCount())
    .map((n) => ({
      range: new monaco.Range(n.line, 1, n.line, model.getLineMaxColumn(n.line)),
      options: {
        isWholeLine: true,
        className: `gate-line gate-${n.level}`,
        after: { content: `  ◀ ${n.level}: ${n.text}`, inlineClassName: `gate-note gate-${n.level}` },
        hoverMessage: { value: `**gate: ${n.level}** — ${n.text}` },
      },
    }));
}

export default function MonacoDiff({ file, original, modified, onChange, dark, height, notes = [] }: MonacoDiffProps) {
  // While editing, the editor owns the text: feeding each change back as a prop would race the typing.
  const [initial] = useState(modified);
  return (
    <DiffEditor
      height={height}
      language={languageOf(file)}
      original={original}
      modified={onChange ? initial : modified}
      theme={dark ? "vs-dark" : "vs"}
      originalModelPath={`original/${file}`}
      modifiedModelPath={`modified/${file}`}
      onMount={(editor) => {
        const modifiedEditor = editor.getModifiedEditor();
        const model = modifiedEditor.getModel();
        if (model) modifiedEditor.createDecorationsCollection(gateDecorations(model, notes));
        if (onChange) modifiedEditor.onDidChangeModelContent(() => onChange(modifiedEditor.getValue()));
      }}
      options={{
        readOnly: !onChange,
        originalEditable: false,
        renderSideBySide: true,
        automaticLayout: true,
        minimap: { enabled: false },
        scrollBeyondLastLine: false,
        hideUnchangedRegions: { enabled: true, contextLineCount: 3, minimumLineCount: 3, revealLineCount: 20 },
        fontSize: 13,
      }}
    />
  );
}
