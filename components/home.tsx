"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { formatSeconds, formatValue } from "../core/format";
import { MachinePanel } from "./machine-panel";
import { SessionTable } from "./session-table";
import { StartLoop } from "./start-loop";
import { RunTable } from "./run-table";
import { StatusBadge } from "./status-badge";
import { useTRPC } from "./trpc";

export function Home() {
  return (
    <>
      <WorkspaceList />
      <SessionTable />
      <RunTable />
      <MachinePanel />
    </>
  );
}

function WorkspaceList() {
  const trpc = useTRPC();
  const router = useRouter();
  const workspaces = useQuery(trpc.workspace.list.queryOptions());
  const start = useMutation(trpc.run.start.mutationOptions({ onSuccess: (run) => router.push(`/runs/${run.id}`) }));
  return (
    <section id="workspaces">
      <h1>Workspaces</h1>
      <AddWorkspace />
      {workspaces.data?.length === 0 && (
        <p className="muted">
          No workspace yet: add a folder above, or register one with <code>bin/overseer init PATH</code>.
        </p>
      )}
      <ul className="cards">
        {workspaces.data?.map((w) => (
          <li key={w.id} className="card" aria-label={`workspace ${w.name}`}>
            <div className="card-head">
              <h2>
                <Link href={`/workspaces/${w.id}`}>{w.name}</Link>
              </h2>
              <button type="button" disabled={!!w.configError || start.isPending} onClick={() => start.mutate({ workspaceId: w.id })}>
                Start baseline run
              </button>
            </div>
            <p className="muted mono">{w.path}</p>
            {w.config && (
              <p className="muted">
                <code>{w.config.command.join(" ")}</code> · {w.config.metric.name} ({w.config.metric.goal}) · budget {formatSeconds(w.config.budgetSeconds * 1000)}
              </p>
            )}
            {w.configError && <p className="error">{w.configError}</p>}
            <StartLoop workspaceId={w.id} disabled={!!w.configError} budgetSeconds={w.config?.budgetSeconds ?? null} backend={w.config?.backend} />
            {w.lastRun && (
              <p>
                last run <Link href={`/runs/${w.lastRun.id}`}>#{w.lastRun.id}</Link> <StatusBadge status={w.lastRun.status} />{" "}
                {w.lastRun.metricValue !== null && `${w.lastRun.metricName} ${formatValue(w.lastRun.metricValue)}`}
              </p>
            )}
          </li>
        ))}
      </ul>
      {start.error && <p className="error">{start.error.message}</p>}
    </section>
  );
}

/** A folder inside a git repository, with overseer.json or autoresearch's layout (train.py, prepare.py). */
function AddWorkspace() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [dir, setDir] = useState("");
  const add = useMutation(
    trpc.workspace.add.mutationOptions({
      onSuccess: () => {
        setDir("");
        void queryClient.invalidateQueries({ queryKey: trpc.workspace.pathKey() });
      },
    }),
  );
  return (
    <form
      className="add-workspace"
      onSubmit={(e) => {
        e.preventDefault();
        add.mutate({ path: dir });
      }}
    >
      <input placeholder="/path/to/your/autoresearch" value={dir} onChange={(e) => setDir(e.target.value)} aria-label="workspace path" />
      <button type="submit" disabled={add.isPending || !dir.trim()}>
        Add workspace
      </button>
      {add.error && <p className="error">{add.error.message}</p>}
    </form>
  );
}
