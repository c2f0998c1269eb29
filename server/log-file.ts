/** Reads the end of a run's log for the dashboard (the web process reads files; it never runs processes). */
import "server-only";
import fs from "node:fs";
import { logTailLines } from "../core/outcome";

export function logSize(file: string | null): number {
  if (!file) return 0;
  try {
    return fs.statSync(file).size;
  } catch {
    return 0;
  }
}

export function readLogTail(file: string, lines: number, maxBytes = 64 * 1024): string[] {
  let fd: number | null = null;
  try {
    const size = fs.statSync(file).size;
    const length = Math.min(size, maxBytes);
    const buf = Buffer.alloc(length);
    fd = fs.openSync(file, "r");
    fs.readSync(fd, buf, 0, length, size - length);
    const text = buf.toString("utf8");
    // Drop a first line cut in the middle, unless it is all there is.
    const cut = size > length ? text.slice(text.indexOf("\n") + 1) : text;
    return logTailLines(cut, lines).map((l) => (l.length > 500 ? `${l.slice(0, 500)}…` : l));
  } catch {
    return [];
  } finally {
    if (fd !== null) fs.closeSync(fd);
  }
}
