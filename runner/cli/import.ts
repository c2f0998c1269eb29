/** `overseer import [DIR] [--branch B] [--results FILE] [--log FILE]`: adopt an autoresearch session. */
import { parseArgs } from "./args";
import { sessionStats } from "../../core/session-stats";
import { formatValue } from "../../core/format";
import type { Settings } from "../../core/settings";
import { listExperiments } from "../../db/queries/experiments";
import { importAutoresearch } from "../import/autoresearch";
import { openRunnerDb } from "./open-db";

export async function importCommand(args: string[], settings: Settings): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { branch: { type: "string" }, results: { type: "string" }, log: { type: "string" } },
  });
  const db = openRunnerDb(settings);
  try {
    const r = await importAutoresearch(db, settings, { dir: positionals[0] ?? process.cwd(), branch: values.branch, results: values.results, log: values.log });
    if (!r.ok) {
      console.error(`overseer: ${r.error}`);
      return 1;
    }
    const s = r.session;
    const st = sessionStats(listExperiments(db, s.id), s.bestValue);
    console.log(
      `session ${s.id} ← ${s.branch}: ${r.added} experiment${r.added === 1 ? "" : "s"} added (${st.proposals} in all after the baseline; kept ${st.kept}, discarded ${st.discarded}, crashed ${st.crashed})`,
    );
    console.log(`baseline ${formatValue(st.baseline)} → best ${formatValue(s.bestValue)}${st.gainPercent !== null ? ` (${st.gainPercent.toFixed(2)}%)` : ""}`);
    for (const note of r.notes) console.log(`  ${note}`);
    return 0;
  } finally {
    db.$client.close();
  }
}
