/**
 * A human's decisions on experiments — approve, reject, edit, keep, discard — each checked and recorded in one
 * immediate transaction with its source and the hash of the diff it was about, so two tabs (or a tab and the
 * CLI) deciding at once cannot both win, and an approval never applies to a diff the human did not see.
 */
import { asc, desc, eq } from "drizzle-orm";
import { canApprove, canKeepOrDiscard } from "../../core/experiment-lifecycle";
import type { FileEdit } from "../../core/types";
import type { Db, DbLike } from "../open";
import { decisions, experiments } from "../schema";
import { describeSource, type DecisionSource } from "../../core/decision-source";
import { appendEvent } from "./events";
import { applyExperimentEvent, type ExperimentRow } from "./experiments";

export type DecisionRow = typeof decisions.$inferSelect;
export type DecisionAction = DecisionRow["action"];

/** Who decides: the browser (with the diff hash the page showed), a script holding the token, or the CLI. */
export interface Decider {
  source: DecisionSource;
  /** The hash of the diff the human looked at; when given, it must still be the experiment's diff. */
  diffHash?: string | null;
}

export type DecisionResult = { ok: true; experiment: ExperimentRow } | { ok: false; missing: boolean; conflict?: boolean; error: string };

export function listDecisions(db: Db, experimentId: number): DecisionRow[] {
  return db.select().from(decisions).where(eq(decisions.experimentId, experimentId)).orderBy(asc(decisions.id)).all();
}

function lastDecision(db: DbLike, experimentId: number): DecisionRow | undefined {
  return db.select().from(decisions).where(eq(decisions.experimentId, experimentId)).orderBy(desc(decisions.id)).limit(1).get();
}

function describeLast(d: DecisionRow | undefined): string {
  if (!d) return "";
  return ` (${d.action} ${describeSource(d.source)} at ${new Date(d.at).toISOString().slice(11, 19)} UTC)`;
}

/** Checks and records one decision; `apply` changes the experiment inside the same transaction. */
function decide(
  db: Db,
  id: number,
  action: DecisionAction,
  who: Decider,
  note: string | null,
  at: number,
  allowed: (e: ExperimentRow) => string | null,
  apply: (e: ExperimentRow) => ExperimentRow,
): DecisionResult {
  return db.transaction(
    (tx) => {
      const e = tx.select().from(experiments).where(eq(experiments.id, id)).get();
      if (!e) return { ok: false as const, missing: true, error: `experiment ${id} does not exist` };
      const refused = allowed(e);
      if (refused) return { ok: false as const, missing: false, conflict: true, error: `${refused}${describeLast(lastDecision(tx, id))}` };
      if (who.diffHash && e.diffHash && who.diffHash !== e.diffHash) {
        return { ok: false as const, missing: false, conflict: true, error: `experiment ${id}'s diff changed since you loaded it: review the new diff, then decide again` };
      }
      const row = apply(e);
      tx.insert(decisions).values({ experimentId: id, action, source: who.source, diffHash: e.diffHash, note, at }).run();
      return { ok: true as const, experiment: row };
    },
    { behavior: "immediate" },
  );
}

const awaitingApproval = (e: ExperimentRow) => (canApprove(e.status) ? null : `experiment ${e.id} is ${e.status}, not awaiting approval`);

/** A human's approve or reject of an experiment that awaits it; anything else is refused with why. */
export function recordHumanDecision(db: Db, id: number, decision: "approved" | "rejected", note: string | null, at: number, who: Decider): DecisionResult {
  const patch = decision === "rejected" ? { humanNote: note, reason: note ? `rejected by a human: ${note}` : "rejected by a human", decidedAt: at } : { humanNote: note };
  return decide(db, id, decision, who, note, at, awaitingApproval, () => applyExperimentEvent(db, id, { type: decision }, at, patch));
}

/**
 * A human's edit of a candidate that awaits approval, as new edits on its parent: the loop builds and gates it
 * again, and runs it without asking again unless the gate now finds it riskier than what the human approved.
 */
export function recordHumanEdit(db: Db, id: number, edit: HumanEdit, note: string | null, at: number, who: Decider): DecisionResult {
  const allowed = (e: ExperimentRow) => (canApprove(e.status) ? null : `experiment ${id} is ${e.status}, not awaiting approval: only a candidate that waits for a human can be edited`);
  return decide(db, id, "edited", who, note, at, allowed, (e) =>
    applyExperimentEvent(db, id, { type: "edited" }, at, {
      editsJson: JSON.stringify(edit.edits),
      humanEdited: true,
      humanNote: note,
      title: edit.title,
      hypothesis: edit.hypothesis,
      // The proposer's words stay, as theirs, however often a human edits.
      proposedTitle: e.proposedTitle ?? e.title,
      proposedHypothesis: e.proposedTitle === null ? e.hypothesis : e.proposedHypothesis,
    }),
  );
}

/** A human's version of a candidate: its edits on the parent, and the title and hypothesis that say what it does. */
export interface HumanEdit {
  edits: readonly FileEdit[];
  title: string;
  hypothesis: string;
}

/**
 * A human's keep or discard of a gain within the noise. Only recorded here: keeping moves the session's branch,
 * which is the loop's job, so the loop applies the verdict when it next looks.
 */
export function recordHumanVerdict(db: Db, id: number, verdict: "kept" | "discarded", note: string | null, at: number, who: Decider): DecisionResult {
  const allowed = (e: ExperimentRow) => {
    if (!canKeepOrDiscard(e.status)) return `experiment ${id} is ${e.status}, not waiting for a keep or discard`;
    return e.humanVerdict ? `experiment ${id} was already ${e.humanVerdict} by a human; the loop applies it when it next looks` : null;
  };
  return decide(db, id, verdict, who, note, at, allowed, (e) => {
    const row = db.update(experiments).set({ humanVerdict: verdict, humanNote: note }).where(eq(experiments.id, id)).returning().get();
    appendEvent(db, { type: "experiment_verdict_given", at, payload: { sessionId: e.sessionId, experimentId: id, verdict } });
    return row;
  });
}
