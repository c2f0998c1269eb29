"use client";
/**
 * Monaco's diff editor, served by the app itself: Monaco and its workers are bundled (the loader's default is a
 * CDN, and the machines Overseer runs on are often offline). Import only through next/dynamic with ssr: false.
 */
import { DiffEditor, loader } from "@monaco-editor/react";
import * as monaco from "monaco-editor";
import { useLayoutEffect, useRef, useState } from "react";

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
  /** The tallest the editor grows to (px); below it, it is as tall as what it shows. */
  maxHeight: number;
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

const MIN_HEIGHT = 120;

export default function MonacoDiff({ file, original, modified, onChange, dark, maxHeight, notes = [] }: MonacoDiffProps) {
  // While editing, the editor owns the text: feeding each change back as a prop would race the typing.
  const [initial] = useState(modified);
  const [contentHeight, setContentHeight] = useState(MIN_HEIGHT);
  const editorRef = useRef<monaco.editor.IStandaloneDiffEditor | null>(null);
  // Unmount the models before the widget: @monaco-editor/react 4.7 disposes them first, and Monaco 0.5x then throws
  // "TextModel got disposed before DiffEditorWidget model got reset" on every page change (monaco-react#647,
  // monaco-editor#4779). A layout effect's cleanup runs before the library's passive one. The models are disposed
  // here, not kept: they are keyed by path, and a kept one would show this experiment's text on the next.
  useLayoutEffect(
    () => () => {
      const editor = editorRef.current;
      const models = editor?.getModel();
      editor?.setModel(null);
      models?.original.dispose();
      models?.modified.dispose();
    },
    [],
  );
  const height = Math.max(MIN_HEIGHT, Math.min(maxHeight, contentHeight));
  return (
    <DiffEditor
      height={height}
      wrapperProps={{ "data-content-height": contentHeight }}
      keepCurrentOriginalModel
      keepCurrentModifiedModel
      language={languageOf(file)}
      original={original}
      modified={onChange ? initial : modified}
      theme={dark ? "vs-dark" : "vs"}
      originalModelPath={`original/${file}`}
      modifiedModelPath={`modified/${file}`}
      onMount={(editor) => {
        editorRef.current = editor;
        const modifiedEditor = editor.getModifiedEditor();
        const originalEditor = editor.getOriginalEditor();
        // As tall as the taller side's content (folded regions count as their one-line bar), up to maxHeight.
        const fitToContent = () => setContentHeight(Math.ceil(Math.max(originalEditor.getContentHeight(), modifiedEditor.getContentHeight())));
        originalEditor.onDidContentSizeChange(fitToContent);
        modifiedEditor.onDidContentSizeChange(fitToContent);
        fitToContent();
        // Monaco 0.57 turns the original side's wrapping off while the diff is inline (as it is at width 0, before its
        // first layout) and does not turn it back on when it goes side by side: undo that once the side is shown.
        originalEditor.onDidLayoutChange((info) => {
          if (info.width > 0 && originalEditor.getOption(monaco.editor.EditorOption.wordWrapOverride2) === "off") originalEditor.updateOptions({ wordWrapOverride2: "inherit" });
        });
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
        // Long lines and the gate's notes at their ends wrap instead of running past the edge of a half-width side.
        wordWrap: "on",
        diffWordWrap: "on", // both sides of the side-by-side view (see onDidLayoutChange above for the original side)
        hideUnchangedRegions: { enabled: true, contextLineCount: 3, minimumLineCount: 3, revealLineCount: 20 },
        fontSize: 13,
      }}
    />
  );
}
