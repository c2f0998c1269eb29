/** `overseer report SESSION [--out FILE]`: the session's shareable report, one self-contained HTML file. */
import fs from "node:fs";
import path from "node:path";
import { reportFileName } from "../../core/export-files";
import { reportHtml } from "../../core/report-html";
import type { Settings } from "../../core/settings";
import { sessionReport } from "../../db/queries/session-report";
import { getSession } from "../../db/queries/sessions";
import { parseArgs } from "./args";
import { openRunnerDb } from "./open-db";

export async function reportCommand(args: string[], settings: Settings): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { out: { type: "string" } } });
  const id = Number(positionals[0]);
  if (positionals.length !== 1 || !Number.isInteger(id) || id <= 0) {
    console.error("overseer: usage: overseer report SESSION_ID [--out FILE]  (overseer sessions lists the ids)");
    return 2;
  }
  const db = openRunnerDb(settings);
  try {
    const s = getSession(db, id);
    if (!s) {
      console.error(`overseer: session ${id} does not exist (overseer sessions lists them)`);
      return 1;
    }
    const file = path.resolve(values.out ?? reportFileName(s.tag));
    // Written beside and renamed: an interrupted write never leaves half a report under the name.
    const tmp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, reportHtml(sessionReport(db, s)));
    fs.renameSync(tmp, file);
    console.log(`wrote ${file}`);
    return 0;
  } catch (e) {
    console.error(`overseer: could not write the report: ${(e as Error).message}`);
    return 1;
  } finally {
    db.$client.close();
  }
}
