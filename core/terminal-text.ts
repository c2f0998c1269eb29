/**
 * Text a run produced, made safe to print on a terminal. A trainer's summary, a crash tail or a proposal's
 * title may carry control sequences: OSC 0 sets the operator's window title, OSC 52 writes their clipboard,
 * CSI 2J clears the screen; C1 controls (U+0080–U+009F) introduce the same in one character. Every control
 * character but newline and tab is written as its \uXXXX escape: visible, inert, and valid inside JSON.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

export function printable(text: string): string {
  return text.replace(CONTROL, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}
