/** `overseer report SESSION [--out FILE]`: the session's shareable report, one self-contained HTML file. */
import fs from "node:fs";
import path from "node:path";
import { reportFileName } from "../../core/export-files";
import { reportHtml } from "../../core/report-html";
import type { Settings } from "../../core/settings";
import { sessionReport } from "../../db/queries/session-report";
import { parseArgs } from "./args";
import { withNamedSession } from "./named-session";

export async function reportCommand(args: string[], settings: Settings): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { out: { type: "string" } } });
  return withNamedSession(positionals, "overseer report SESSION_ID [--out FILE]", settings, (db, s) => {
    const file = path.resolve(values.out ?? reportFileName(s.tag));
    try {
      // Written beside and renamed: an interrupted write never leaves half a report under the name.
      const tmp = `${file}.${process.pid}.tmp`;
      fs.writeFileSync(tmp, reportHtml(sessionReport(db, s)));
      fs.renameSync(tmp, file);
    } catch (e) {
      console.error(`overseer: could not write the report: ${(e as Error).message}`);
      return 1;
    }
    console.log(`wrote ${file}`);
    return 0;
  });
}
