"use client";
import { useSubscription } from "@trpc/tanstack-react-query";
import { useReducer } from "react";
import { applyLiveMessage, initialLiveRunState, type LiveMessageData } from "./live-run-state";
import { useTRPC } from "./trpc";

/** A run as its live stream tells it: a snapshot, then new points, log lines and status as they come. */
export function useLiveRun(runId: number | null) {
  const trpc = useTRPC();
  const [state, dispatch] = useReducer(applyLiveMessage, initialLiveRunState);
  const sub = useSubscription(
    trpc.run.live.subscriptionOptions(runId === null ? ({ runId: 0 } as { runId: number }) : { runId }, {
      enabled: runId !== null,
      onData: (msg) => dispatch(("data" in msg ? msg.data : msg) as LiveMessageData),
    }),
  );
  return { state, sub };
}
