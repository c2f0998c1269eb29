"use client";
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useTRPC } from "./trpc";

/** The top bar's "Waiting for you": on every page, how many candidates wait for a human, linking to the oldest. */
export function WaitingForYou() {
  const trpc = useTRPC();
  const { data } = useQuery(trpc.session.waiting.queryOptions());
  if (!data?.count || !data.oldest) return null;
  const o = data.oldest;
  const where = data.sessions > 1 ? ` in ${data.sessions} sessions` : "";
  return (
    <Link href={`/experiments/${o.id}`} className="waiting-for-you" aria-label="waiting for you" title={`the oldest: session #${o.sessionId}, #${o.idx} ${o.title}`}>
      Waiting for you <span className="count-badge">{data.count}</span>
      <span className="muted-on-dark">
        {where}: #{o.idx} {o.title.length > 40 ? `${o.title.slice(0, 39)}…` : o.title}
      </span>
    </Link>
  );
}
