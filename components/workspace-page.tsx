"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useState } from "react";
import { useRouter } from "next/navigation";
import { RunTable } from "./run-table";
import { SessionTable } from "./session-table";
import { StartLoop } from "./start-loop";
import { useTRPC } from "./trpc";

/** One workspace: a baseline run, a loop, its overseer.json (editable here), its sessions and its runs. */
export function WorkspacePage({ workspaceId }: { workspaceId: number }) {
  const trpc = useTRPC();
  const detail = useQuery(trpc.workspace.byId.queryOptions({ id: workspaceId }));
  if (detail.error)
    return (
      <p className="error">
        {detail.error.message} — <Link href="/">home</Link>
      </p>
    );
  if (!detail.data) return <p className="muted">Loading…</p>;
  const { workspace: w, configText, defaultsText } = detail.data;
  return (
    <article aria-label={`workspace ${w.name}`}>
      <div className="card-head">
        <h1>
          <Link href="/#workspaces">Workspaces</Link> / {w.name}
        </h1>
        <BaselineButton workspaceId={w.id} disabled={!!w.configError} />
      </div>
      <p className="muted mono">{w.path}</p>
      <nav className="session-links" aria-label="workspace views">
        <Link href={`/workspaces/${w.id}/hyperparameters`}>Hyperparameters of every session</Link>
      </nav>
      {w.configError && <p className="error">{w.configError}</p>}
      <StartLoop workspaceId={w.id} disabled={!!w.configError} budgetSeconds={w.config?.budgetSeconds ?? null} backend={w.config?.backend} />
      <ConfigEditor workspaceId={w.id} path={w.path} initial={configText ?? defaultsText} isDefault={configText === null} />
      <SessionTable workspaceId={w.id} />
      <RunTable workspaceId={w.id} />
    </article>
  );
}

/** One run of the workspace's code at HEAD: its baseline, outside any session. */
function BaselineButton({ workspaceId, disabled }: { workspaceId: number; disabled: boolean }) {
  const trpc = useTRPC();
  const router = useRouter();
  const start = useMutation(trpc.run.start.mutationOptions({ onSuccess: (run) => router.push(`/runs/${run.id}`) }));
  return (
    <span>
      <button type="button" disabled={disabled || start.isPending} onClick={() => start.mutate({ workspaceId })}>
        Start baseline run
      </button>
      {start.error && <span className="error"> {start.error.message}</span>}
    </span>
  );
}

function ConfigEditor({ workspaceId, path, initial, isDefault }: { workspaceId: number; path: string; initial: string; isDefault: boolean }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [text, setText] = useState(initial);
  const changed = text.trimEnd() !== initial.trimEnd(); // the file is saved with a final newline
  const save = useMutation(trpc.workspace.saveConfig.mutationOptions({ onSuccess: () => void queryClient.invalidateQueries({ queryKey: trpc.workspace.pathKey() }) }));
  return (
    <section aria-label="config">
      <h2>overseer.json</h2>
      {isDefault && <p className="muted">This workspace has no overseer.json, so autoresearch&apos;s conventions apply; these are they. Save to write the file.</p>}
      <textarea className="config-text mono" value={text} onChange={(e) => setText(e.target.value)} rows={Math.min(30, text.split("\n").length + 2)} spellCheck={false} aria-label="overseer.json" />
      <p>
        <button type="button" disabled={save.isPending || !changed} onClick={() => save.mutate({ id: workspaceId, text })}>
          Save overseer.json
        </button>{" "}
        {changed && (
          <button type="button" className="link" onClick={() => setText(initial)}>
            undo my changes
          </button>
        )}
      </p>
      {save.error && <p className="error">{save.error.message}</p>}
      {save.isSuccess && text === save.variables?.text && (
        <p className="ok-note">
          Saved. Sessions read overseer.json at the commit they start from: commit it first, with <code>git -C {path} commit -m &quot;overseer.json&quot; overseer.json</code>.
        </p>
      )}
    </section>
  );
}
