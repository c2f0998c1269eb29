/**
 * Pieces of the procedures' input schemas that recur, with messages a person can act on. tRPC refuses a bad
 * input before the procedure runs, so nothing is written (server/trpc.ts turns the issues into one sentence).
 */
import { z } from "zod";
import { isInsideWorkspace } from "../core/workspace-config";

/** A row's id: what the dashboard's links carry. */
export const recordId = z.number({ error: "must be a number (an id from the dashboard)" }).int("must be a whole number").positive("must be positive").max(Number.MAX_SAFE_INTEGER);

/** A live stream's resume point (tRPC's tracked id): a row id as text. */
export const eventCursor = z.string().max(20).regex(/^\d*$/, "must be an event id").nullish();

export const note = z.string().max(4000, "a note is at most 4,000 characters").optional();

/** Text over a limit: the message says how big it was, so a 50 MB paste is not a mystery. */
function atMost(limit: number, what: string, advice: string) {
  return z
    .string()
    .max(limit, { error: (iss) => `${what} is at most ${limit.toLocaleString("en-US")} characters, and this one has ${(iss.input as string).length.toLocaleString("en-US")}: ${advice}` });
}

export const experimentTitle = atMost(200, "a title", "say the idea in a line and put the rest in the hypothesis").trim().min(1, "give the experiment a title");
export const hypothesis = atMost(4000, "a hypothesis", "shorten it").optional();
export const steeringText = atMost(4000, "a steering note", "shorten it").trim().min(1, "write the note first");

/** A pasted change: 1 MB is far past anything a person reviews (autoresearch's train.py is about 30 KB). */
const MAX_DIFF_CHARS = 1_000_000;
export const pastedDiff = atMost(MAX_DIFF_CHARS, "a diff", "a change that large cannot be reviewed; split it").min(1, "paste a unified diff");

/** The human's version of an experiment's changed files; each at most 2 MB, 8 MB in all. */
export const editedFiles = z
  .record(z.string(), atMost(2_000_000, "an edited file", "this is not a training script"))
  .refine((f) => Object.keys(f).length > 0, "send at least one edited file")
  .refine((f) => Object.keys(f).every(isInsideWorkspace), {
    error: (iss) => `${JSON.stringify(Object.keys(iss.input as object).find((k) => !isInsideWorkspace(k)))} is not a path inside the workspace`,
  })
  .refine((f) => Object.keys(f).length <= 50, "at most 50 files at once")
  .refine((f) => Object.values(f).reduce((n, t) => n + t.length, 0) <= 8_000_000, "the edited files come to more than 8 MB in all");
