"use client";
import { useEffect, useState } from "react";

/**
 * A piece of view state kept in the page's URL (?key=value), so a link or a reload shows the chart as it was,
 * as TensorBoard's URLs do. Read once the page has mounted (the server renders the default, so hydration
 * matches), written with history.replaceState: no navigation, no history entry per slider step.
 */
export function useUrlState<T>(key: string, fallback: T, parse: (raw: string) => T | null, show: (value: T) => string): [T, (value: T) => void] {
  const [value, setValue] = useState<T>(fallback);
  // Read once: later changes come from this page itself (the parser is a pure function of the text).
  // biome-ignore lint/correctness/useExhaustiveDependencies: parse is not state
  useEffect(() => {
    const raw = new URLSearchParams(window.location.search).get(key);
    const parsed = raw === null ? null : parse(raw);
    if (parsed !== null) setValue(parsed);
  }, [key]);
  const set = (next: T) => {
    setValue(next);
    const url = new URL(window.location.href);
    if (show(next) === show(fallback)) url.searchParams.delete(key);
    else url.searchParams.set(key, show(next));
    window.history.replaceState(window.history.state, "", url);
  };
  return [value, set];
}
