/**
 * Follows a log file that a child process writes directly (its stdout and stderr are the file), handing
 * each new piece of bytes to a callback. inotify (fs.watch) wakes it within milliseconds; a slow interval
 * covers file systems where watching does not work.
 */
import fs from "node:fs";
import { logTailLines } from "../core/outcome";

export interface LogTail {
  /** Reads whatever is left, then stops following. */
  finish(): void;
}

export function followLog(file: string, onBytes: (bytes: Buffer) => void, fallbackMs = 200): LogTail {
  const fd = fs.openSync(file, "r");
  const buf = Buffer.alloc(256 * 1024);
  let offset = 0;
  let closed = false;

  const drain = () => {
    if (closed) return;
    for (;;) {
      const n = fs.readSync(fd, buf, 0, buf.length, offset);
      if (n <= 0) return;
      offset += n;
      onBytes(Buffer.from(buf.subarray(0, n)));
    }
  };

  let watcher: fs.FSWatcher | null = null;
  try {
    watcher = fs.watch(file, { persistent: false }, drain);
  } catch {
    watcher = null;
  }
  const timer = setInterval(drain, fallbackMs);
  timer.unref();

  return {
    finish() {
      drain();
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
  return logTailLines(buf.toString("utf8"), lines).join("\n") || null;
}

/** Hands a whole log to a callback in pieces, so a gigabyte of output never sits in memory at once. */
export function readLogInChunks(file: string, onBytes: (bytes: Buffer) => void): void {
  const fd = fs.openSync(file, "r");
  const buf = Buffer.alloc(1024 * 1024);
  try {
    for (let offset = 0, n; (n = fs.readSync(fd, buf, 0, buf.length, offset)) > 0; offset += n) onBytes(Buffer.from(buf.subarray(0, n)));
  } finally {
    fs.closeSync(fd);
  }
}
