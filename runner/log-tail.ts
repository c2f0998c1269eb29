/**
 * Follows a log file that a child process writes directly (its stdout and stderr are the file), handing
 * each new piece of bytes to a callback. inotify (fs.watch) wakes it within milliseconds; a slow interval
 * covers file systems where watching does not work.
 */
import fs from "node:fs";
import { logTailLines } from "../core/outcome";
import { redact, secretsOf } from "../core/redact";

/** The runner's own secrets, which no excerpt of a run's log may carry out (to the proposer, the database, the page). */
export const withoutSecrets = (text: string) => redact(text, secretsOf(process.env));

export interface LogTail {
  /** Reads whatever is left (up to the limit), then stops following. */
  finish(): void;
}

export interface FollowOptions {
  /** Bytes handed over at most; past them the rest is left unread and onLimit is called once. */
  maxBytes?: number;
  onLimit?: () => void;
  fallbackMs?: number;
}

/** Read per turn of the event loop: a trainer that floods its log must not starve the timers that stop it. */
const TURN_BYTES = 1024 * 1024;

export function followLog(file: string, onBytes: (bytes: Buffer) => void, opts: FollowOptions = {}): LogTail {
  const fd = fs.openSync(file, "r");
  const buf = Buffer.alloc(256 * 1024);
  const maxBytes = opts.maxBytes ?? Infinity;
  let offset = 0;
  let closed = false;
  let again: NodeJS.Immediate | null = null;
  let limitReached = false;

  // The limit is judged by the file's size, not by what was read: reading and parsing are slower than a
  // flood is written, and the writer must be stopped near the limit, not gigabytes after it.
  const checkSize = () => {
    if (limitReached || closed || !Number.isFinite(maxBytes) || fs.fstatSync(fd).size < maxBytes) return;
    limitReached = true;
    opts.onLimit?.();
  };

  /** Reads up to `budget` bytes; true when the file may hold more. */
  const read = (budget: number): boolean => {
    for (let turn = 0; turn < budget && offset < maxBytes; ) {
      const n = fs.readSync(fd, buf, 0, Math.min(buf.length, maxBytes - offset), offset);
      if (n <= 0) return false;
      offset += n;
      turn += n;
      onBytes(Buffer.from(buf.subarray(0, n)));
    }
    return offset < maxBytes;
  };
  const drain = () => {
    again = null;
    checkSize();
    if (!closed && read(TURN_BYTES)) again = setImmediate(drain);
  };
  const wake = () => {
    checkSize();
    again ??= setImmediate(drain);
  };

  let watcher: fs.FSWatcher | null = null;
  try {
    watcher = fs.watch(file, { persistent: false }, wake);
  } catch {
    watcher = null;
  }
  const timer = setInterval(wake, opts.fallbackMs ?? 200);
  timer.unref();

  return {
    finish() {
      if (again) clearImmediate(again);
      checkSize();
      read(Infinity);
      closed = true;
      watcher?.close();
      clearInterval(timer);
      fs.closeSync(fd);
    },
  };
}

/** The last lines of a log (read from its last 256 KiB, whatever its size); null when there is no log. */
export function readLogTail(file: string | null, lines = 50): string | null {
  if (!file || !fs.existsSync(file)) return null;
  const size = fs.statSync(file).size;
  const length = Math.min(size, 256 * 1024);
  const buf = Buffer.alloc(length);
  const fd = fs.openSync(file, "r");
  try {
    fs.readSync(fd, buf, 0, length, size - length);
  } finally {
    fs.closeSync(fd);
  }
  return withoutSecrets(logTailLines(buf.toString("utf8"), lines).join("\n")) || null;
}

/** Hands a whole log to a callback in pieces, so a gigabyte of output never sits in memory at once. */
export function readLogInChunks(file: string, onBytes: (bytes: Buffer) => void): void {
  const fd = fs.openSync(file, "r");
  const buf = Buffer.alloc(1024 * 1024);
  try {
    for (let offset = 0, n = 0; (n = fs.readSync(fd, buf, 0, buf.length, offset)) > 0; offset += n) onBytes(Buffer.from(buf.subarray(0, n)));
  } finally {
    fs.closeSync(fd);
  }
}
