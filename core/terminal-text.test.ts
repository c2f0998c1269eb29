import { describe, expect, it } from "vitest";
import { printable } from "./terminal-text";

describe("printable", () => {
  const cases: [string, string, string][] = [
    ["a window title (OSC 0, ended by BEL)", "loss\x1b]0;pwned\x07", "loss\\u001b]0;pwned\\u0007"],
    ["a clipboard write (OSC 52)", "\x1b]52;c;SGVsbG8=\x1b\\", "\\u001b]52;c;SGVsbG8=\\u001b\\"],
    ["a screen clear (CSI 2J)", "\x1b[2J", "\\u001b[2J"],
    ["a one-character C1 CSI", "\u009b2J", "\\u009b2J"],
    ["a carriage return that would overwrite the line", "ok\rforged", "ok\\u000dforged"],
    ["a backspace and DEL", "a\bb\x7f", "a\\u0008b\\u007f"],
    ["newlines, tabs and Unicode text are kept", "val_bpb:\t0.99\nρ → ✓", "val_bpb:\t0.99\nρ → ✓"],
  ];
  it.each(cases)("%s", (_name, input, expected) => expect(printable(input)).toBe(expected));

  it("leaves no control character but newline and tab, whatever comes in", () => {
    const all = Array.from({ length: 0x100 }, (_, i) => String.fromCharCode(i)).join("");
    // biome-ignore lint/suspicious/noControlCharactersInRegex: looking for control characters is the point
    expect(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/.test(printable(all))).toBe(false);
  });

  it("keeps JSON valid: an escaped control inside a string parses back to the character", () => {
    const json = JSON.stringify({ note: "x\u009b2J" });
    expect(JSON.parse(printable(json))).toEqual({ note: "x\u009b2J" });
  });
});
