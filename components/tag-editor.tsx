"use client";
import { useState } from "react";
import { parseTags } from "../core/tags";

/** Tags as small labels; each one picks it (filters by it) when `onPick` is given. */
export function TagList({ tags, onPick }: { tags: readonly string[]; onPick?: (tag: string) => void }) {
  if (tags.length === 0) return null;
  return (
    <span className="tags">
      {tags.map((t) =>
        onPick ? (
          <button key={t} type="button" className="tag" title={`show only experiments tagged ${t}`} onClick={() => onPick(t)}>
            {t}
          </button>
        ) : (
          <span key={t} className="tag">
            {t}
          </span>
        ),
      )}
    </span>
  );
}

/**
 * A human's tags on an experiment or a session: each with a × to remove it, and a field that adds more (Enter;
 * commas or spaces between several). `save` stores the whole new list; what it refuses is said beside the field.
 */
export function TagEditor({ tags, save, label }: { tags: readonly string[]; save: (tags: string[]) => Promise<unknown>; label: string }) {
  const [text, setText] = useState("");
  const [error, setError] = useState<string | null>(null);
  const store = async (next: string[]) => {
    try {
      await save(next);
      setError(null);
      return true;
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
      return false;
    }
  };
  const add = async () => {
    const parsed = parseTags(`${tags.join(" ")} ${text}`);
    if (!parsed.ok) return setError(parsed.error);
    if (await store(parsed.tags)) setText("");
  };
  return (
    <fieldset className="tag-editor" aria-label={label}>
      {tags.map((t) => (
        <span key={t} className="tag">
          {t}
          <button type="button" className="link" aria-label={`remove tag ${t}`} onClick={() => void store(tags.filter((x) => x !== t))}>
            ×
          </button>
        </span>
      ))}
      <input
        type="text"
        value={text}
        placeholder="add a tag"
        aria-label="add a tag"
        maxLength={200}
        onChange={(e) => setText(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === "Enter") {
            e.preventDefault();
            void add();
          }
        }}
      />
      {error && (
        <span className="error" role="alert">
          {error}
        </span>
      )}
    </fieldset>
  );
}
