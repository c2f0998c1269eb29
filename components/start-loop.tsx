"use client";
import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { useTRPC } from "./trpc";

/** Starts a research loop on a workspace: the offline `mutate` proposer works without an API key. */
export function StartLoop({ workspaceId, disabled }: { workspaceId: number; disabled: boolean }) {
  const trpc = useTRPC();
  const router = useRouter();
  const [proposer, setProposer] = useState<"mutate" | "claude" | "manual">("mutate");
  const [experiments, setExperiments] = useState(10);
  const start = useMutation(trpc.session.start.mutationOptions({ onSuccess: (s) => router.push(`/sessions/${s.id}`) }));
  return (
    <form
      className="start-loop"
      onSubmit={(e) => {
        e.preventDefault();
        start.mutate({ workspaceId, options: { proposer, maxExperiments: experiments } });
      }}
    >
      <label>
        proposer{" "}
        <select value={proposer} onChange={(e) => setProposer(e.target.value as typeof proposer)} aria-label="proposer">
          <option value="mutate">mutate (offline)</option>
          <option value="claude">claude</option>
          <option value="manual">manual</option>
        </select>
      </label>
      <label>
        experiments <input type="number" min={1} max={1000} value={experiments} onChange={(e) => setExperiments(Number(e.target.value))} aria-label="experiments" />
      </label>
      <button type="submit" disabled={disabled || start.isPending}>
        Start loop
      </button>
      {start.error && <span className="error">{start.error.message}</span>}
    </form>
  );
}
