/**
 * Follows a log file that a child process writes directly (its stdout and stderr are the file), handing
 * each new piece of bytes to a callback. inotify (fs.watch) wakes it within milliseconds; a slow interval
 * covers file systems where watching does not work.
 */
import fs from "node:fs";

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
