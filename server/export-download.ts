/**
 * Export downloads. GET /api/sessions/:id/export?format=…[&download=1] serves the files the runner keeps up to
 * date after every decision (only those names under the data folder are ever read); GET
 * /api/experiments/export?ids=1,2,…&format=… builds a selection's export from the database.
 */
import "server-only";
import fs from "node:fs";
import { EXPORT_FORMATS, exportFileName, exportPath, type ExportFormat } from "../core/export-files";
import { MAX_SELECTED } from "../core/limits";
import { nothingKeptReason } from "../db/queries/nothing-kept";
import { exportSelection } from "../db/queries/selection-export";
import { getSession } from "../db/queries/sessions";
import { webSettings } from "./access-policy";
import { getDb } from "./db";

const TYPES: Record<ExportFormat, string> = {
  patch: "text/x-patch; charset=utf-8",
  diff: "text/x-diff; charset=utf-8",
  tsv: "text/tab-separated-values; charset=utf-8",
  json: "application/json; charset=utf-8",
};

const problem = (status: number, message: string) => new Response(`${message}\n`, { status, headers: { "content-type": "text/plain; charset=utf-8" } });

function formatOf(url: URL): ExportFormat | null {
  const format = url.searchParams.get("format") as ExportFormat | null;
  return format && EXPORT_FORMATS.includes(format) ? format : null;
}

function served(body: string, format: ExportFormat, url: URL, name: string): Response {
  const headers: Record<string, string> = { "content-type": TYPES[format], "cache-control": "no-store" };
  if (url.searchParams.get("download")) headers["content-disposition"] = `attachment; filename="${exportFileName(name, format)}"`;
  return new Response(body, { headers });
}

export function exportDownload(request: Request, sessionId: string): Response {
  const id = Number(sessionId);
  const url = new URL(request.url);
  const format = formatOf(url);
  if (!Number.isInteger(id) || id <= 0) return problem(400, "the session id must be a positive integer");
  if (!format) return problem(400, `format must be one of ${EXPORT_FORMATS.join(", ")}`);
  const s = getSession(getDb(), id);
  if (!s) return problem(404, `session ${id} does not exist`);
  // A 0-byte patch under "apply with git am" is a dead end: say why, and what came closest.
  const empty = (format === "patch" || format === "diff") && s.baselineCommit ? nothingKeptReason(getDb(), s) : null;
  if (empty) return problem(409, empty);
  const file = exportPath(webSettings().dataDir, id, format);
  if (!fs.existsSync(file)) return problem(404, `session ${id} has no ${format} export yet: it is written after the first decision (or run bin/overseer export ${id} --format ${format})`);
  return served(fs.readFileSync(file, "utf8"), format, url, s.tag);
}

export function selectionDownload(request: Request): Response {
  const url = new URL(request.url);
  const format = formatOf(url);
  const raw = url.searchParams.get("ids") ?? "";
  const ids = raw.split(",").filter(Boolean).map(Number);
  if (ids.length === 0 || ids.length > MAX_SELECTED || !ids.every((n) => Number.isInteger(n) && n > 0))
    return problem(400, `ids must be 1 to ${MAX_SELECTED} experiment ids separated by commas, as in ?ids=3,5,8`);
  if (!format) return problem(400, `format must be one of ${EXPORT_FORMATS.join(", ")}`);
  const r = exportSelection(getDb(), ids, format);
  if (!r.ok) return problem(/does not exist/.test(r.error) ? 404 : 422, r.error);
  return served(r.text, format, url, r.name);
}
