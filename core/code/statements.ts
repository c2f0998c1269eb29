/**
 * Statements of a source file (Python logical lines; JavaScript statements split at `;`, block braces and
 * line ends), with their nesting, and the statements a change removed and added. The gate's rules reason over
 * these, so reformatting or a moved comment is not a change and a rule can look at a condition's body. Pure.
 */
import { diffArrays } from "diff";
import { tokenize, type Language, type Token } from "./tokenize";

export interface Statement {
  tokens: Token[];
  line: number;
  endLine: number;
  /** Python: the indentation column; JavaScript: how many block braces enclose it. */
  depth: number;
  /** It opens a block (Python's trailing `:`, JavaScript's block `{`): its body is what follows, deeper. */
  header: boolean;
  /** Its tokens, whitespace and comments aside: equal keys are the same statement. */
  key: string;
}

function make(tokens: Token[], depth: number, header: boolean): Statement {
  return { tokens, line: tokens[0]!.line, endLine: tokens.at(-1)!.line, depth, header, key: tokens.map((t) => t.text).join(" ") };
}

function pythonStatements(tokens: Token[]): Statement[] {
  const out: Statement[] = [];
  let current: Token[] = [];
  let depth = 0;
  // Only a logical line's first token gives its indentation: continuation lines do not.
  const flush = () => {
    if (current.length) out.push(make(current, current[0]!.col, current.at(-1)!.text === ":" && current.at(-1)!.kind === "op"));
    current = [];
  };
  for (const t of tokens) {
    if (t.kind === "newline") flush();
    else if (t.kind === "op" && t.text === ";" && depth === 0) flush();
    else {
      if (t.kind === "op" && "([{".includes(t.text)) depth++;
      if (t.kind === "op" && ")]}".includes(t.text)) depth = Math.max(0, depth - 1);
      current.push(t);
    }
  }
  flush();
  return out;
}

const JS_BLOCK_AFTER = new Set([")", "=>", "else", "try", "finally", "do"]);
/** A line ending in one of these, or the next starting with one, continues the statement. */
const JS_CONTINUES = /^(?:[-+*/%&|^<>=!?:.,]|\?\.|=>|\*\*|&&|\|\||\?\?|[<>=!]==?|[-+*/%&|^]=|in|instanceof)$/;

function jsStatements(tokens: Token[]): Statement[] {
  const out: Statement[] = [];
  let current: Token[] = [];
  let paren = 0;
  let blocks = 0;
  const braces: ("block" | "expr")[] = [];
  const flush = (header = false) => {
    if (current.length) out.push(make(current, blocks - (header ? 1 : 0), header));
    current = [];
  };
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t.kind === "newline") {
      const last = current.at(-1);
      const next = tokens.slice(i + 1).find((n) => n.kind !== "newline");
      const bareHeader = /^(if|for|while|else)$/.test(current[0]?.text ?? "") && (last?.text === ")" || last?.text === "else");
      const continues = (last?.kind === "op" && JS_CONTINUES.test(last.text)) || (next?.kind === "op" && JS_CONTINUES.test(next.text) && next.text !== "!");
      if (paren === 0 && last && !continues && !bareHeader) flush();
      continue;
    }
    if (t.kind === "op" && (t.text === "(" || t.text === "[")) paren++;
    else if (t.kind === "op" && (t.text === ")" || t.text === "]")) paren = Math.max(0, paren - 1);
    else if (t.kind === "op" && t.text === "{") {
      const prev = current.at(-1);
      const isBlock = paren === 0 && (!prev || JS_BLOCK_AFTER.has(prev.text) || current[0]!.text === "class");
      braces.push(isBlock ? "block" : "expr");
      if (isBlock) {
        current.push(t);
        blocks++;
        flush(true);
        continue;
      }
      paren++;
    } else if (t.kind === "op" && t.text === "}") {
      const kind = braces.pop();
      if (kind === "block") {
        flush();
        blocks = Math.max(0, blocks - 1);
        continue;
      }
      paren = Math.max(0, paren - 1);
    } else if (t.kind === "op" && t.text === ";" && paren === 0) {
      flush();
      continue;
    }
    current.push(t);
  }
  flush();
  return out;
}

export function statementsOf(source: string, lang: Language): Statement[] {
  const tokens = tokenize(source, lang);
  return lang === "python" ? pythonStatements(tokens) : jsStatements(tokens);
}

/** The statements nested in statements[index] (its block), or [] when it opens none. */
export function bodyOf(statements: readonly Statement[], index: number): Statement[] {
  const head = statements[index]!;
  if (!head.header) return [];
  const body: Statement[] = [];
  for (let i = index + 1; i < statements.length && statements[i]!.depth > head.depth; i++) body.push(statements[i]!);
  return body;
}

export interface StatementChange {
  /** Statements of the parent's version that the candidate no longer has, with the candidate's line where they were. */
  removed: { statement: Statement; index: number; atLine: number }[];
  /** Statements only the candidate has. */
  added: { statement: Statement; index: number }[];
}

/** What a change did, statement by statement (a longest-common-subsequence alignment of the keys). */
export function statementChange(before: readonly Statement[], after: readonly Statement[]): StatementChange {
  const parts = diffArrays(
    before.map((s) => s.key),
    after.map((s) => s.key),
  );
  const out: StatementChange = { removed: [], added: [] };
  let b = 0;
  let a = 0;
  for (const part of parts) {
    const n = part.value.length;
    if (part.removed) {
      const atLine = after[a]?.line ?? (after.at(-1)?.endLine ?? 0) + 1;
      for (let k = 0; k < n; k++) out.removed.push({ statement: before[b + k]!, index: b + k, atLine });
      b += n;
    } else if (part.added) {
      for (let k = 0; k < n; k++) out.added.push({ statement: after[a + k]!, index: a + k });
      a += n;
    } else {
      a += n;
      b += n;
    }
  }
  return out;
}
