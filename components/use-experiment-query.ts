"use client";
import { useEffect, useState } from "react";
import { DEFAULT_EXPERIMENT_QUERY, type ExperimentQuery, queryFromParams, queryToParams } from "../core/experiment-query";

/** The table's parameters in the URL (core/experiment-query): the others (the chart's) are left as they are. */
const OWN = ["sort", "status", "kind", "gate", "proposer", "tag", "q", "min", "max"];

/**
 * The experiment table's sort and filters, kept in the page's URL so that a link or a reload shows the same rows.
 * Read once mounted (the server renders the default table), written with history.replaceState.
 */
export function useExperimentQuery(): [ExperimentQuery, (q: ExperimentQuery) => void] {
  const [query, setQuery] = useState<ExperimentQuery>(DEFAULT_EXPERIMENT_QUERY);
  useEffect(() => setQuery(queryFromParams(new URLSearchParams(window.location.search))), []);
  const set = (next: ExperimentQuery) => {
    setQuery(next);
    const url = new URL(window.location.href);
    for (const key of OWN) url.searchParams.delete(key);
    for (const [key, value] of queryToParams(next)) url.searchParams.set(key, value);
    window.history.replaceState(window.history.state, "", url);
  };
  return [query, set];
}
