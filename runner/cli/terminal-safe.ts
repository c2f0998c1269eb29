/**
 * Everything the CLI prints through console goes through core/terminal-text's printable(): summaries, reasons,
 * crash tails, proposals' titles and the runner's log lines all carry text a run or a proposer produced. The
 * progress bar writes its own frame (\r, erase to end of line) straight to the stream, around numbers only.
 */
import { format } from "node:util";
import { printable } from "../../core/terminal-text";

export function makeConsoleTerminalSafe(): void {
  for (const name of ["log", "info", "warn", "error"] as const) {
    const write = console[name].bind(console);
    console[name] = (...args: unknown[]) => write(printable(format(...args)));
  }
}
