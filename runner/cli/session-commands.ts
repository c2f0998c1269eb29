/**
 * `overseer approve|reject|keep|discard EXPERIMENT [--note …]`, `overseer propose SESSION --diff FILE --title …`
 * and `overseer export SESSION|--experiments IDS --format …`.
 */
import fs from "node:fs";
import { parseArgs } from "./args";
import type { Settings } from "../../core/settings";
import { recordHumanDecision, recordHumanVerdict } from "../../db/queries/human-decisions";
import { proposeByHuman } from "../../db/queries/human-proposals";
import { nothingKeptReason } from "../../db/queries/nothing-kept";
import { getSession } from "../../db/queries/sessions";
import { exportSelection } from "../../db/queries/selection-export";
import { EXPORT_FORMATS, exportSession, type ExportFormat } from "../export";
import { openRunnerDb } from "./open-db";

const VERBS = { approved: "approve", rejected: "reject", kept: "keep", discarded: "discard" } as const;

/** approve/reject a candidate before it runs; keep/discard a result within the noise after it ran. */
export async function decideCommand(decision: keyof typeof VERBS, args: string[], settings: Settings): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { note: { type: "string" } } });
  const id = Number(positionals[0]);
  if (!Number.isInteger(id)) {
    console.error(`overseer: usage: overseer ${VERBS[decision]} EXPERIMENT_ID [--note "…"]`);
    return 2;
  }
  const db = openRunnerDb(settings);
  try {
    const note = values.note ?? null;
    const r =
      decision === "approved" || decision === "rejected"
        ? recordHumanDecision(db, id, decision, note, Date.now(), { source: "cli" })
        : recordHumanVerdict(db, id, decision, note, Date.now(), { source: "cli" });
    if (!r.ok) return fail(r.error);
    const e = r.experiment;
    console.log(`${decision} experiment ${id} (#${e.idx} of session ${e.sessionId}: ${e.title})`);
    return 0;
  } finally {
    db.$client.close();
  }
}

const PROPOSE_USAGE = 'overseer: usage: overseer propose SESSION_ID --diff FILE (- for stdin) --title "…" [--hypothesis "…"]';

/** A human's proposal from a unified diff: queued in the session like the proposer's, and gated like them. */
export async function proposeCommand(args: string[], settings: Settings): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { diff: { type: "string" }, title: { type: "string" }, hypothesis: { type: "string" } } });
  const id = Number(positionals[0]);
  const title = values.title?.trim();
  if (!Number.isInteger(id) || id <= 0 || positionals.length !== 1 || !values.diff || !title) {
    console.error(PROPOSE_USAGE);
    return 2;
  }
  let diff: string;
  try {
    diff = fs.readFileSync(values.diff === "-" ? 0 : values.diff, "utf8");
  } catch (e) {
    return fail(`cannot read the diff ${values.diff}: ${(e as Error).message}`);
  }
  const db = openRunnerDb(settings);
  try {
    const s = getSession(db, id);
    if (!s) return fail(`session ${id} does not exist`);
    const r = proposeByHuman(db, s, { title, hypothesis: values.hypothesis?.trim() || null, diff }, Date.now());
    if (!r.ok) return fail(r.error);
    const e = r.experiment;
    if (e.status === "rejected") return fail(`#${e.idx} (experiment ${e.id}) is blocked by the gate: ${e.reason}`);
    console.log(`proposed #${e.idx} (experiment ${e.id}) in session ${id}: the loop builds it on the best, gates it and runs it`);
    return 0;
  } finally {
    db.$client.close();
  }
}

export async function exportCommand(args: string[], settings: Settings): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { format: { type: "string", default: "patch" }, experiments: { type: "string" } } });
  const format = values.format as ExportFormat;
  const id = Number(positionals[0]);
  const selection = values.experiments?.split(",").map((s) => Number(s.trim()));
  const validTarget = selection ? positionals.length === 0 && selection.every((n) => Number.isInteger(n) && n > 0) : Number.isInteger(id);
  if (!validTarget || !EXPORT_FORMATS.includes(format)) {
    console.error(`overseer: usage: overseer export SESSION_ID --format ${EXPORT_FORMATS.join("|")}`);
    console.error(`       or: overseer export --experiments ID,ID,… --format ${EXPORT_FORMATS.join("|")}  (each one's own change, replayed on the baseline)`);
    return 2;
  }
  const db = openRunnerDb(settings);
  try {
    if (selection) {
      const r = exportSelection(db, selection, format);
      if (!r.ok) return fail(r.error);
      process.stdout.write(r.text);
    } else {
      const s = getSession(db, id);
      const empty = s?.baselineCommit && (format === "patch" || format === "diff") ? nothingKeptReason(db, s) : null;
      if (empty) return fail(empty);
      process.stdout.write(await exportSession(db, id, format));
    }
    return 0;
  } catch (e) {
    return fail((e as Error).message);
  } finally {
    db.$client.close();
  }
}

function fail(message: string): number {
  console.error(`overseer: ${message}`);
  return 1;
}
