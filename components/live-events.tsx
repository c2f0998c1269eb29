"use client";
import { useQueryClient } from "@tanstack/react-query";
import { useSubscription } from "@trpc/tanstack-react-query";
import { useTRPC } from "./trpc";

/**
 * Mounted once in the layout: one stream of events for the whole app. Each event (and each connection, since
 * the page may have loaded its data before the stream's starting point) refreshes the run, workspace, session and
 * experiment queries; runner status changes go straight into the cache.
 */
export function LiveEvents() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  useSubscription(
    trpc.system.live.subscriptionOptions(undefined, {
      onData: (msg) => {
        const m = "data" in msg ? msg.data : msg;
        if (m.kind === "runner") {
          queryClient.setQueryData(trpc.system.runner.queryKey(), m.runner);
          return;
        }
        void queryClient.invalidateQueries({ queryKey: trpc.run.pathKey() });
        void queryClient.invalidateQueries({ queryKey: trpc.workspace.pathKey() });
        void queryClient.invalidateQueries({ queryKey: trpc.session.pathKey() });
        void queryClient.invalidateQueries({ queryKey: trpc.experiment.pathKey() });
        // The runner's doctor report, and the Claude status checked with it (event machine_checked).
        void queryClient.invalidateQueries({ queryKey: trpc.system.machine.queryKey() });
        void queryClient.invalidateQueries({ queryKey: trpc.system.capabilities.queryKey() });
      },
    }),
  );
  return null;
}
