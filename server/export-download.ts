/**
 * GET /api/sessions/:id/export?format=patch|diff|tsv|json[&download=1]: the export files the runner keeps
 * up to date after every decision. Only those names under the data folder are ever read.
 */
import "server-only";
import fs from "node:fs";
import { EXPORT_FORMATS, exportFileName, exportPath, type ExportFormat } from "../core/export-files";
import { getSession } from "../db/queries/sessions";
import { getDb, getSettings } from "./db";

const TYPES: Record<ExportFormat, string> = {
  patch: "text/x-patch; charset=utf-8",
  diff: "text/x-diff; charset=utf-8",
  tsv: "text/tab-separated-values; charset=utf-8",
  json: "application/json; charset=utf-8",
};

const problem = (status: number, message: string) => new Response(`${message}\n`, { status, headers: { "content-type": "text/plain; charset=utf-8" } });

export function exportDownload(request: Request, sessionId: string): Response {
  const id = Number(sessionId);
  const url = new URL(request.url);
  const format = url.searchParams.get("format") as ExportFormat | null;
  if (!Number.isInteger(id) || id <= 0) return problem(400, "the session id must be a positive integer");
  if (!format || !EXPORT_FORMATS.includes(format)) return problem(400, `format must be one of ${EXPORT_FORMATS.join(", ")}`);
  const s = getSession(getDb(), id);
  if (!s) return problem(404, `session ${id} does not exist`);
  const file = exportPath(getSettings().dataDir, id, format);
  if (!fs.existsSync(file)) return problem(404, `session ${id} has no ${format} export yet: it is written after the first decision (or run bin/overseer export ${id} --format ${format})`);
  const headers: Record<string, string> = { "content-type": TYPES[format], "cache-control": "no-store" };
  if (url.searchParams.get("download")) headers["content-disposition"] = `attachment; filename="${exportFileName(s.tag, format)}"`;
  return new Response(fs.readFileSync(file), { headers });
}
