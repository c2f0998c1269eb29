/** Splits a command typed as one string ("uv run train.py --fast") into argv, honouring quotes; or takes a JSON array. */
export function splitCommand(text: string): string[] {
  const t = text.trim();
  if (t.startsWith("[")) {
    const parsed: unknown = JSON.parse(t);
    if (!Array.isArray(parsed) || !parsed.every((x) => typeof x === "string")) throw new Error("a JSON command must be an array of strings");
    return parsed;
  }
  const out: string[] = [];
  let current = "";
  let quote: '"' | "'" | null = null;
  let has = false;
  for (const ch of t) {
    if (quote) {
      if (ch === quote) quote = null;
      else current += ch;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
      has = true;
    } else if (/\s/.test(ch)) {
      if (has || current) out.push(current);
      current = "";
      has = false;
    } else current += ch;
  }
  if (quote) throw new Error(`unclosed ${quote} in the command`);
  if (has || current) out.push(current);
  return out;
}
