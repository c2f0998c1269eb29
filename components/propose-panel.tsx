"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useState } from "react";
import { describeHumanEdit } from "../core/edit-description";
import { CodeDiff } from "./code-diff";
import { useTRPC } from "./trpc";

/**
 * A human's proposal for a running session: the best code edited in Monaco, or a pasted unified diff, with a
 * title and hypothesis. It joins the session's queue and is built, gated and run like the proposer's.
 * Open from the start on a session whose proposer is "manual", since nothing else proposes there.
 */
export function ProposePanel({ sessionId, manual }: { sessionId: number; manual: boolean }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [open, setOpen] = useState(manual);
  const [mode, setMode] = useState<"edit" | "diff">("edit");
  const [edited, setEdited] = useState<Record<string, string>>({});
  const [diff, setDiff] = useState("");
  const [words, setWords] = useState<{ title: string | null; hypothesis: string | null }>({ title: null, hypothesis: null });
  const [proposed, setProposed] = useState<{ id: number; idx: number; status: string } | null>(null);
  const fetched = useQuery(trpc.session.bestCode.queryOptions({ id: sessionId }, { enabled: open }));
  // Once the human starts editing, the code under the editor stays the one they started from, even if a keep
  // moves the best meanwhile: their edits are taken against it (baseExperimentId).
  const [frozen, setFrozen] = useState<typeof fetched.data>(undefined);
  const best = { data: frozen ?? fetched.data };
  const propose = useMutation(
    trpc.session.propose.mutationOptions({
      onSuccess: (e) => {
        setProposed({ id: e.id, idx: e.idx, status: e.status });
        setEdited({});
        setFrozen(undefined);
        setDiff("");
        setWords({ title: null, hypothesis: null });
        void queryClient.invalidateQueries({ queryKey: trpc.session.pathKey() });
      },
    }),
  );

  const files = best.data?.files ?? {};
  const changed = Object.fromEntries(Object.entries(edited).filter(([f, c]) => c !== files[f]));
  // In the editor, the title and hypothesis say what the edit does until the human writes their own.
  const derived = mode === "edit" && Object.keys(changed).length > 0 ? describeHumanEdit(files, { ...files, ...changed }, null) : null;
  const title = words.title ?? derived?.title ?? "";
  const hypothesis = words.hypothesis ?? derived?.hypothesis ?? "";
  const ready = title.trim() !== "" && (mode === "edit" ? Object.keys(changed).length > 0 : diff.trim() !== "");
  const submit = () => {
    const base = { id: sessionId, title: title.trim(), hypothesis: hypothesis.trim() || undefined };
    // The edits are taken against the code shown (the best when it loaded), not whatever is best by now.
    propose.mutate(mode === "edit" ? { ...base, files: changed, baseExperimentId: best.data?.experimentId } : { ...base, diff });
  };

  return (
    <section aria-label="propose" className="propose">
      <h2>
        Propose a change{" "}
        <button type="button" className="link" onClick={() => setOpen(!open)} aria-expanded={open}>
          {open ? "hide" : "show"}
        </button>
      </h2>
      {manual && <p className="muted">This session&apos;s proposer is manual: it runs what you propose here, or with overseer propose {sessionId} --diff FILE --title "…".</p>}
      {proposed && (
        <p role="status">
          Proposed <Link href={`/experiments/${proposed.id}`}>#{proposed.idx}</Link>
          {proposed.status === "rejected" ? ": blocked by the gate (open it for why)" : ": it is built on the best and gated, then runs."}
        </p>
      )}
      {open && (
        <>
          <div className="tabs" role="tablist" aria-label="how to propose">
            <button type="button" role="tab" aria-selected={mode === "edit"} className={mode === "edit" ? "tab active" : "tab"} onClick={() => setMode("edit")}>
              Edit the best code
            </button>
            <button type="button" role="tab" aria-selected={mode === "diff"} className={mode === "diff" ? "tab active" : "tab"} onClick={() => setMode("diff")}>
              Paste a diff
            </button>
          </div>
          {mode === "edit" ? (
            best.data === null ? (
              <p className="muted">The session has no stored code yet: its baseline is still being built. Paste a diff, or wait a moment.</p>
            ) : best.data ? (
              <>
                <p className="muted">
                  The best so far (#{best.data.idx}
                  {best.data.commit ? ` at ${best.data.commit.slice(0, 7)}` : ""}) on both sides: edit the right one.
                </p>
                <CodeDiff
                  files={Object.fromEntries(Object.entries(files).map(([f, c]) => [f, { before: c, after: edited[f] ?? c }]))}
                  labels={["best", "your proposal"]}
                  onEdit={(f, c) => {
                    if (!frozen) setFrozen(fetched.data);
                    setEdited((m) => ({ ...m, [f]: c }));
                  }}
                />
              </>
            ) : (
              <p className="muted">Loading the best code…</p>
            )
          ) : (
            <textarea aria-label="unified diff" className="mono" rows={10} placeholder={"--- a/train.py\n+++ b/train.py\n@@ … @@\n-…\n+…"} value={diff} onChange={(ev) => setDiff(ev.target.value)} />
          )}
          <fieldset className="edit-words" aria-label="your proposal in words">
            <label>
              title
              <input value={title} maxLength={200} onChange={(ev) => setWords((w) => ({ ...w, title: ev.target.value }))} />
            </label>
            <label>
              hypothesis
              <textarea rows={2} value={hypothesis} onChange={(ev) => setWords((w) => ({ ...w, hypothesis: ev.target.value }))} />
            </label>
          </fieldset>
          <button type="button" disabled={!ready || propose.isPending} onClick={submit}>
            Propose
          </button>
          {propose.error && <p className="error">{propose.error.message}</p>}
        </>
      )}
    </section>
  );
}
