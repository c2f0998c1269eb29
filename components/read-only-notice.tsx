"use client";
import { useQuery } from "@tanstack/react-query";
import { useTRPC } from "./trpc";

/**
 * Every change needs the access token; a browser that opened the dashboard without it (or with a cookie from
 * before a restart, which makes a new one) can only look. Says so, and how to get it.
 */
export function ReadOnlyNotice() {
  const trpc = useTRPC();
  const { data } = useQuery({ ...trpc.system.access.queryOptions(), staleTime: 60_000 });
  if (!data || data.canChange) return null;
  return (
    <span
      className="runner read-only"
      role="status"
      title="Every change needs the access token, on this machine too: other users and processes can reach the dashboard as well. `overseer token --reset` prints a new URL."
    >
      read-only — to make changes, open the URL <code>overseer start</code> printed (…/?token=…)
    </span>
  );
}
