/** GET /api/sessions/:id/report: the session's self-contained HTML report, as `overseer report` writes it, to download. */
import "server-only";
import { reportFileName } from "../core/export-files";
import { reportHtml } from "../core/report-html";
import { sessionReport } from "../db/queries/session-report";
import { getSession } from "../db/queries/sessions";
import { getDb } from "./db";

const problem = (status: number, message: string) => new Response(`${message}\n`, { status, headers: { "content-type": "text/plain; charset=utf-8" } });

export function reportDownload(sessionId: string): Response {
  const id = Number(sessionId);
  if (!Number.isInteger(id) || id <= 0) return problem(400, "the session id must be a positive integer");
  const db = getDb();
  const s = getSession(db, id);
  if (!s) return problem(404, `session ${id} does not exist`);
  return new Response(reportHtml(sessionReport(db, s)), {
    headers: {
      "content-type": "text/html; charset=utf-8",
      "cache-control": "no-store",
      "content-disposition": `attachment; filename="${reportFileName(s.tag)}"`,
    },
  });
}
