/**
 * A tokenizer for the two languages training scripts are written in here: Python (autoresearch's train.py) and
 * JavaScript (examples/tiny-lm). Enough of each grammar to tell code from strings and comments, so the gate reads
 * names and literals instead of grepping lines. Interpolated expressions of f-strings and template literals are
 * tokenized too and follow their string. Pure.
 */
export type Language = "python" | "javascript";

export type TokenKind = "name" | "number" | "string" | "regex" | "op" | "newline";

export interface Token {
  kind: TokenKind;
  text: string;
  /** 1-based line and 0-based column of the token's start. */
  line: number;
  col: number;
  /** A string's content without quotes or prefix (escapes as written). */
  value?: string;
}

export function languageOf(file: string): Language | null {
  if (/\.pyi?$/.test(file)) return "python";
  if (/\.(m|c)?[jt]sx?$/.test(file)) return "javascript";
  return null;
}

const PY_OPS = ["**=", "//=", ">>=", "<<=", "...", "->", ":=", "==", "!=", "<=", ">=", "+=", "-=", "*=", "/=", "%=", "&=", "|=", "^=", "@=", "**", "//", "<<", ">>"];
const JS_OPS = [
  ">>>=",
  "===",
  "!==",
  "**=",
  "...",
  "??=",
  "||=",
  "&&=",
  ">>>",
  "<<=",
  ">>=",
  "=>",
  "==",
  "!=",
  "<=",
  ">=",
  "&&",
  "||",
  "??",
  "?.",
  "++",
  "--",
  "+=",
  "-=",
  "*=",
  "/=",
  "%=",
  "&=",
  "|=",
  "^=",
  "**",
  "<<",
  ">>",
];
const NAME = /[A-Za-z_$\u00c0-\uffff][\w$\u00c0-\uffff]*/y;
const NUMBER = /(?:0[xXoObB][\da-fA-F_]+n?|(?:\d[\d_]*\.?[\d_]*|\.\d[\d_]*)(?:[eE][+-]?\d+)?[jJn]?)/y;
const PY_STRING_START = /(?:[rRbBuUfF]{1,2})?(?:'''|"""|'|")/y;
/** After these a `/` starts a regular expression, not a division. */
const JS_REGEX_AFTER_WORDS = new Set(["return", "typeof", "case", "do", "else", "in", "of", "new", "delete", "void", "throw", "yield", "await"]);

class Scanner {
  readonly tokens: Token[] = [];
  private pos = 0;
  private line: number;
  private lineStart = 0;
  private depth = 0;

  constructor(
    private readonly src: string,
    private readonly lang: Language,
    firstLine = 1,
  ) {
    this.line = firstLine;
  }

  private push(kind: TokenKind, text: string, line: number, col: number, value?: string) {
    this.tokens.push(value === undefined ? { kind, text, line, col } : { kind, text, line, col, value });
  }

  private newlinesIn(text: string, from: number) {
    for (let i = 0; i < text.length; i++) {
      if (text[i] === "\n") {
        this.line++;
        this.lineStart = from + i + 1;
      }
    }
  }

  /** Scans until the end, or (stopAtBrace) until an unmatched `}` — the end of an interpolation. */
  run(stopAtBrace = false): number {
    const s = this.src;
    while (this.pos < s.length) {
      const c = s[this.pos]!;
      const col = this.pos - this.lineStart;
      if (c === "\n") {
        // Python ends a logical line only outside brackets; JavaScript's statements are split later (braces).
        const open = this.lang === "python" && this.depth > 0;
        if (!open && this.tokens.length && this.tokens.at(-1)?.kind !== "newline") this.push("newline", "\n", this.line, col);
        this.pos++;
        this.line++;
        this.lineStart = this.pos;
        continue;
      }
      if (c === " " || c === "\t" || c === "\r" || c === "\f") {
        this.pos++;
        continue;
      }
      if (c === "\\" && s[this.pos + 1] === "\n") {
        this.pos += 2;
        this.line++;
        this.lineStart = this.pos;
        continue;
      }
      if (this.comment()) continue;
      if (this.lang === "python" ? this.pythonString() : this.jsString()) continue;
      NUMBER.lastIndex = this.pos;
      const num = /\d|\./.test(c) ? NUMBER.exec(s) : null;
      if (num && num[0] !== ".") {
        this.push("number", num[0], this.line, col);
        this.pos += num[0].length;
        continue;
      }
      NAME.lastIndex = this.pos;
      const name = NAME.exec(s);
      if (name) {
        this.push("name", name[0], this.line, col);
        this.pos += name[0].length;
        continue;
      }
      if (this.lang === "javascript" && c === "/" && this.regexAllowed()) {
        this.regex();
        continue;
      }
      if ("([{".includes(c)) this.depth++;
      if (")]}".includes(c)) {
        if (stopAtBrace && c === "}" && this.depth === 0) return this.pos;
        this.depth = Math.max(0, this.depth - 1);
      }
      const op = (this.lang === "python" ? PY_OPS : JS_OPS).find((o) => s.startsWith(o, this.pos)) ?? c;
      this.push("op", op, this.line, col);
      this.pos += op.length;
    }
    return this.pos;
  }

  private comment(): boolean {
    const s = this.src;
    if (this.lang === "python" ? s[this.pos] === "#" : s.startsWith("//", this.pos)) {
      const end = s.indexOf("\n", this.pos);
      this.pos = end < 0 ? s.length : end;
      return true;
    }
    if (this.lang === "javascript" && s.startsWith("/*", this.pos)) {
      const end = s.indexOf("*/", this.pos + 2);
      const stop = end < 0 ? s.length : end + 2;
      this.newlinesIn(s.slice(this.pos, stop), this.pos);
      this.pos = stop;
      return true;
    }
    return false;
  }

  private pythonString(): boolean {
    PY_STRING_START.lastIndex = this.pos;
    const m = PY_STRING_START.exec(this.src);
    if (!m) return false;
    const prefix = m[0].replace(/['"]+$/, "");
    const quote = m[0].slice(prefix.length);
    const start = this.pos;
    const line = this.line;
    const col = this.pos - this.lineStart;
    let i = this.pos + m[0].length;
    const bodyStart = i;
    while (i < this.src.length && !this.src.startsWith(quote, i)) {
      if (this.src[i] === "\\") i++; // even a raw string cannot end in an odd backslash
      if (quote.length === 1 && this.src[i] === "\n") break; // unterminated: stop at the line's end
      i++;
    }
    const body = this.src.slice(bodyStart, Math.min(i, this.src.length));
    const end = Math.min(this.src.length, i + (this.src.startsWith(quote, i) ? quote.length : 0));
    this.push("string", this.src.slice(start, end), line, col, body);
    this.newlinesIn(this.src.slice(start, end), start);
    this.pos = end;
    if (/f/i.test(prefix)) this.interpolations(body, line);
    return true;
  }

  private jsString(): boolean {
    const q = this.src[this.pos];
    if (q !== '"' && q !== "'" && q !== "`") return false;
    const start = this.pos;
    const line = this.line;
    const col = this.pos - this.lineStart;
    let i = this.pos + 1;
    const parts: { from: number; to: number }[] = [];
    while (i < this.src.length && this.src[i] !== q) {
      if (this.src[i] === "\\") i++;
      else if (q !== "`" && this.src[i] === "\n") break;
      else if (q === "`" && this.src.startsWith("${", i)) {
        // The interpolation is code: scan it for its end, then tokenize it after the string.
        const inner = new Scanner(this.src.slice(i + 2), "javascript");
        const len = inner.run(true);
        parts.push({ from: i + 2, to: i + 2 + len });
        i = i + 2 + len;
      }
      i++;
    }
    const end = Math.min(this.src.length, i + 1);
    this.push("string", this.src.slice(start, end), line, col, this.src.slice(start + 1, Math.min(i, this.src.length)));
    for (const p of parts) {
      const before = this.src.slice(start, p.from);
      const inner = new Scanner(this.src.slice(p.from, p.to), "javascript", line + (before.match(/\n/g)?.length ?? 0));
      inner.run();
      this.tokens.push(...inner.tokens.filter((t) => t.kind !== "newline"));
    }
    this.newlinesIn(this.src.slice(start, end), start);
    this.pos = end;
    return true;
  }

  /** f-string fields: each `{expr…}` (not `{{`) is tokenized as Python. */
  private interpolations(body: string, line: number) {
    const open = /\{/g;
    let m: RegExpExecArray | null;
    while ((m = open.exec(body))) {
      if (body[m.index + 1] === "{") {
        open.lastIndex = m.index + 2; // `{{` is a literal brace
        continue;
      }
      const inner = new Scanner(body.slice(m.index + 1), "python", line + (body.slice(0, m.index).match(/\n/g)?.length ?? 0));
      const len = inner.run(true);
      // The format spec after ':' or '!' is not code; tokens stop there at depth 0.
      const expr: Token[] = [];
      let depth = 0;
      for (const t of inner.tokens) {
        if (t.kind === "op" && "([{".includes(t.text)) depth++;
        if (t.kind === "op" && ")]}".includes(t.text)) depth--;
        if (depth === 0 && t.kind === "op" && (t.text === ":" || t.text === "!" || t.text === "=")) break;
        if (t.kind !== "newline") expr.push(t);
      }
      this.tokens.push(...expr);
      open.lastIndex = m.index + 1 + len;
    }
  }

  private regexAllowed(): boolean {
    const prev = this.tokens.at(-1);
    if (!prev || prev.kind === "newline") return true;
    if (prev.kind === "name") return JS_REGEX_AFTER_WORDS.has(prev.text);
    if (prev.kind === "op") return !")]}".includes(prev.text) && prev.text !== "++" && prev.text !== "--";
    return false;
  }

  private regex() {
    const start = this.pos;
    const col = this.pos - this.lineStart;
    let i = this.pos + 1;
    let inClass = false;
    while (i < this.src.length && this.src[i] !== "\n") {
      const c = this.src[i];
      if (c === "\\") i++;
      else if (c === "[") inClass = true;
      else if (c === "]") inClass = false;
      else if (c === "/" && !inClass) break;
      i++;
    }
    i++;
    while (i < this.src.length && /[a-z]/i.test(this.src[i]!)) i++;
    this.push("regex", this.src.slice(start, i), this.line, col);
    this.pos = i;
  }
}

export function tokenize(source: string, lang: Language): Token[] {
  const scanner = new Scanner(source.replace(/\r\n/g, "\n"), lang);
  scanner.run();
  return scanner.tokens;
}
