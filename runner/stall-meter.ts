/**
 * When this process itself was stalled (SIGSTOP, a suspended VM, swap): a timer that should tick every 100 ms and
 * came late by over half a second marks a stall. Progress records are timed when the runner reads them, so a
 * runner stalled mid-run reads a burst afterwards and an honest 3 s run looks like 30 s of training; the stall is
 * the runner's, and is taken off. (Without a sandbox a run could stop the runner to hide training in a stall, but
 * without one it can do anything; with bubblewrap it cannot see the runner.)
 */
const TICK_MS = 100;
const STALL_MS = 500;
/** Stalls older than this are forgotten: no run's records span more. */
const KEEP_MS = 24 * 3600_000;

const stalls: { from: number; to: number }[] = [];
let started = false;
let last = 0;

function start(): void {
  if (started) return;
  started = true;
  last = performance.now();
  setInterval(() => {
    const now = performance.now();
    if (now - last > STALL_MS + TICK_MS) stalls.push({ from: last, to: now });
    while (stalls.length && stalls[0]!.to < now - KEEP_MS) stalls.shift();
    last = now;
  }, TICK_MS).unref();
}

/** Begins watching (at a run's start); stalls before this call are not seen. */
export function watchStalls(): void {
  start();
}

/** Milliseconds this process was stalled between two performance.now() times. */
export function stalledMs(from: number, to: number): number {
  // A stall just ended whose late tick has not run yet (after SIGCONT the log and the trainer's exit may be read
  // first) counts too: the gap since the last tick.
  const now = performance.now();
  const ongoing = started && now - last > STALL_MS + TICK_MS ? [{ from: last, to: now }] : [];
  return [...stalls, ...ongoing].reduce((sum, s) => sum + Math.max(0, Math.min(s.to, to) - Math.max(s.from, from)), 0);
}
