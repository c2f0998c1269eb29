"use client";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { canApprove, needsHumanNow } from "../core/experiment-lifecycle";
import type { ExperimentStatus } from "../core/types";
import { isTyping } from "./keys";
import { useTRPC } from "./trpc";

interface Waiting {
  id: number;
  idx: number;
  status: ExperimentStatus;
  humanVerdict: "kept" | "discarded" | null;
  /** The diff the page shows: the decision names it, and is refused if the diff has changed since. */
  diffHash: string | null;
}

/**
 * What a human decides: Approve or Reject a candidate before it runs, Keep or Discard a result within the
 * noise after it ran; the note goes to the proposer. With `keyboard`, `a` says yes and `r` says no. With
 * `edited` files, Approve sends the human's version instead (Edit then approve).
 */
export function HumanDecision({
  experiment: e,
  keyboard = false,
  edited = null,
  editWords = null,
  onDecided,
}: {
  experiment: Waiting;
  keyboard?: boolean;
  edited?: Record<string, string> | null;
  /** The title and hypothesis the edited candidate will carry. */
  editWords?: { title?: string; hypothesis?: string } | null;
  onDecided?: () => void;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [note, setNote] = useState("");
  const opts = {
    onError: (err: { message: string }) => alert(err.message),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: trpc.experiment.pathKey() });
      void queryClient.invalidateQueries({ queryKey: trpc.session.pathKey() });
      onDecided?.();
    },
  };
  const approve = useMutation(trpc.session.approve.mutationOptions(opts));
  const reject = useMutation(trpc.session.reject.mutationOptions(opts));
  const keep = useMutation(trpc.session.keep.mutationOptions(opts));
  const discard = useMutation(trpc.session.discard.mutationOptions(opts));
  const editAndApprove = useMutation(trpc.session.editAndApprove.mutationOptions(opts));
  const withEdits = edited !== null && Object.keys(edited).length > 0;
  const waiting = needsHumanNow(e.status) && !e.humanVerdict;
  const before = canApprove(e.status);
  const [yes, no] = before ? [approve, reject] : [keep, discard];
  const busy = yes.isPending || no.isPending || editAndApprove.isPending;
  const say = (which: typeof yes) => {
    const input = { experimentId: e.id, note: note.trim() || undefined, diffHash: e.diffHash ?? undefined };
    if (which === approve && withEdits) editAndApprove.mutate({ ...input, ...editWords, files: edited });
    else which.mutate(input);
  };

  useEffect(() => {
    if (!keyboard || !waiting) return;
    const onKey = (ev: KeyboardEvent) => {
      // A held or doubled key must not decide the next candidate too, one nobody has looked at.
      if (isTyping(ev) || ev.repeat || busy) return;
      if (ev.key === "a") say(yes);
      if (ev.key === "r") say(no);
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  });

  if (e.humanVerdict) return <p className="muted">{e.humanVerdict} by you; the loop applies it in a moment.</p>;
  if (!waiting) return null;
  return (
    <div className="approval-bar" aria-label={before ? "approve or reject" : "keep or discard"}>
      <input placeholder="note for the proposer (optional)" value={note} onChange={(ev) => setNote(ev.target.value)} aria-label="note" />
      <button type="button" disabled={busy} onClick={() => say(yes)} title={keyboard ? "a" : undefined}>
        {before ? (withEdits ? "Approve my edits" : "Approve") : "Keep"}
        {keyboard && <kbd>a</kbd>}
      </button>
      <button type="button" className="danger" disabled={busy} onClick={() => say(no)} title={keyboard ? "r" : undefined}>
        {before ? "Reject" : "Discard"}
        {keyboard && <kbd>r</kbd>}
      </button>
    </div>
  );
}
