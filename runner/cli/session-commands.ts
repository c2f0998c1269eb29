/** `overseer approve|reject|keep|discard EXPERIMENT [--note …]` and `overseer export SESSION|--experiments IDS --format …`. */
import { parseArgs } from "node:util";
import type { Settings } from "../../core/settings";
import { recordHumanDecision, recordHumanVerdict } from "../../db/queries/human-decisions";
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
    } else process.stdout.write(await exportSession(db, id, format));
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
