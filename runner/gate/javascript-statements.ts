/**
 * The statements and strings of a JavaScript program as acorn reads them, in the shape python_facts.py gives for
 * Python (core/gate/source-rules SourceFacts `stmts` and `strings`): each statement with the headers around it,
 * the names it assigns and reads and the calls it makes, so the statement rules judge what Node runs, not what
 * a tokenizer guessed (a regex after `of`, a parenthesized assignment).
 */
import type * as acorn from "acorn";

type Node = acorn.Node & Record<string, unknown>;
export type { Stmt } from "../../core/gate/source-rules";
import type { Stmt } from "../../core/gate/source-rules";

/** a.b.c for a chain of identifiers and non-computed members (or members named by a literal); null otherwise. */
export function dotted(n: Node | null | undefined): string | null {
  if (!n) return null;
  if (n.type === "Identifier") return n.name as string;
  if (n.type === "ThisExpression") return "this";
  if (n.type === "MemberExpression" && !n.computed) {
    const base = dotted(n.object as Node);
    return base === null ? null : `${base}.${(n.property as Node).name as string}`;
  }
  // [globalThis][0].Math: the element a literal index picks out of an array literal.
  if (n.type === "MemberExpression" && n.computed && (n.object as Node).type === "ArrayExpression" && (n.property as Node).type === "Literal" && typeof (n.property as Node).value === "number") {
    const picked = ((n.object as Node).elements as (Node | null)[])[(n.property as Node).value as number];
    return picked ? dotted(picked) : null;
  }
  if (n.type === "MemberExpression" && n.computed && (n.property as Node).type === "Literal") {
    const base = dotted(n.object as Node);
    return base === null ? null : `${base}.${String((n.property as Node).value)}`;
  }
  return null;
}

const isNode = (v: unknown): v is Node => typeof v === "object" && v !== null && typeof (v as Node).type === "string";
export const children = (n: Node): Node[] =>
  Object.entries(n)
    .filter(([k]) => k !== "loc")
    .flatMap(([, v]) => (Array.isArray(v) ? v.filter(isNode) : isNode(v) ? [v] : []));
const isFunction = (n: Node) => /^(FunctionExpression|ArrowFunctionExpression|FunctionDeclaration|ClassExpression|ClassDeclaration)$/.test(n.type);

/** Methods that change an array in place. */
const IN_PLACE = /^(fill|set|copyWithin|sort|reverse|splice|push|pop|shift|unshift)$/;

/** The text a string expression prints, constant parts joined, {} where a value goes; null when it is not a string. */
export function folded(n: Node): string | null {
  if (n.type === "Literal") return typeof n.value === "string" ? n.value : null;
  if (n.type === "TemplateLiteral") {
    const quasis = n.quasis as Node[];
    const exprs = n.expressions as Node[];
    return quasis.map((q, i) => ((q.value as { cooked: string | null }).cooked ?? "") + (i < exprs.length ? (folded(exprs[i]!) ?? "{}") : "")).join("");
  }
  if (n.type === "BinaryExpression" && n.operator === "+") {
    const l = folded(n.left as Node);
    const r = folded(n.right as Node);
    if (l !== null || r !== null) return (l ?? "{}") + (r ?? "{}");
  }
  return null;
}

export function stringsOf(program: Node): { line: number; value: string }[] {
  const out: { line: number; value: string }[] = [];
  const visit = (n: Node) => {
    const value = folded(n);
    if (value === null) return children(n).forEach(visit);
    out.push({ line: n.loc!.start.line, value: value.slice(0, 200) });
    const parts = n.type === "TemplateLiteral" ? (n.expressions as Node[]) : n.type === "BinaryExpression" ? [n.left as Node, n.right as Node] : [];
    for (const p of parts) if (folded(p) === null) visit(p);
  };
  visit(program);
  return out;
}

/** The parts of a compound statement that are its header, and its bodies (with a label for the path). */
function split(n: Node): { header: Node[]; bodies: [string, Node[]][] } | null {
  const block = (b: Node | null | undefined): Node[] => (!b ? [] : b.type === "BlockStatement" ? (b.body as Node[]) : [b]);
  switch (n.type) {
    case "IfStatement":
      return {
        header: [n.test as Node],
        bodies: [
          ["", block(n.consequent as Node)],
          [" :else", block(n.alternate as Node | null)],
        ],
      };
    case "ForStatement":
      return { header: [n.init, n.test, n.update].filter(isNode), bodies: [["", block(n.body as Node)]] };
    case "ForOfStatement":
    case "ForInStatement":
      return { header: [n.left as Node, n.right as Node], bodies: [["", block(n.body as Node)]] };
    case "WhileStatement":
    case "DoWhileStatement":
      return { header: [n.test as Node], bodies: [["", block(n.body as Node)]] };
    case "TryStatement": {
      const handler = n.handler as Node | null;
      return {
        header: [],
        bodies: [
          ["", block(n.block as Node)],
          [" :catch", block(handler?.body as Node | undefined)],
          [" :finally", block(n.finalizer as Node | null)],
        ],
      };
    }
    case "BlockStatement":
      return { header: [], bodies: [["", n.body as Node[]]] };
    case "LabeledStatement":
      return { header: [], bodies: [["", block(n.body as Node)]] };
    case "SwitchStatement":
      return { header: [n.discriminant as Node], bodies: (n.cases as Node[]).map((c) => [` :case ${c.test ? "…" : "default"}`, c.consequent as Node[]]) };
    case "FunctionDeclaration":
      return { header: n.params as Node[], bodies: [["", block(n.body as Node)]] };
    case "ClassDeclaration":
      return { header: [n.superClass].filter(isNode), bodies: [] };
    default:
      return null;
  }
}

export function statementsOf(program: Node, text: string, resolve: (name: string | null) => string | null): Stmt[] {
  const out: Stmt[] = [];
  const squash = (s: string) => s.replace(/\s+/g, " ").trim();
  const facts = (parts: Node[]) => {
    const reads = new Set<string>();
    const calls = new Set<string>();
    const targets = new Set<string>();
    const mutates = new Set<string>();
    const indirect = new Set<string>();
    const chainRoot = (p: Node): string | null => {
      let x: Node | undefined = p;
      while (x && (x.type === "MemberExpression" || x.type === "CallExpression")) x = (x.type === "MemberExpression" ? x.object : x.callee) as Node;
      return x?.type === "Identifier" ? (x.name as string) : null;
    };
    const root = (p: Node): string | null => {
      let x: Node | undefined = p;
      while (x && x.type === "MemberExpression") x = x.object as Node;
      return x?.type === "Identifier" ? (x.name as string) : null;
    };
    const bind = (p: Node | null | undefined) => {
      if (!p) return;
      if (p.type === "Identifier") targets.add(p.name as string);
      else if (p.type === "MemberExpression") root(p) && targets.add(root(p)!);
      else if (p.type === "ArrayPattern") for (const e of p.elements as Node[]) bind(e);
      else if (p.type === "ObjectPattern") for (const q of p.properties as Node[]) bind((q.type === "RestElement" ? q.argument : q.value) as Node);
      else if (p.type === "AssignmentPattern") bind(p.left as Node);
      else if (p.type === "RestElement") bind(p.argument as Node);
    };
    const visit = (n: Node, top: boolean) => {
      if (!top && isFunction(n)) return;
      if (n.type === "Identifier") reads.add(n.name as string);
      if (n.type === "VariableDeclarator") bind(n.id as Node);
      if (n.type === "AssignmentExpression") bind(n.left as Node);
      if (n.type === "UpdateExpression") bind(n.argument as Node);
      if (n.type === "CallExpression" || n.type === "NewExpression") {
        const callee = n.callee as Node;
        const name = resolve(dotted(callee));
        calls.add(name ?? (callee.type === "MemberExpression" && !callee.computed ? `(expression).${(callee.property as Node).name as string}` : "(expression)"));
        // train.subarray(…).set(val), val.fill(32): in place, on whatever the chain starts from.
        if (callee.type === "MemberExpression" && !callee.computed && IN_PLACE.test((callee.property as Node).name as string) && chainRoot(callee.object as Node))
          mutates.add(chainRoot(callee.object as Node)!);
        if (name === null && callee.type !== "MemberExpression" && chainRoot(callee)) indirect.add(chainRoot(callee)!);
      }
      if (n.type === "MemberExpression") {
        visit(n.object as Node, false);
        if (n.computed) visit(n.property as Node, false);
        return;
      }
      if (n.type === "Property" && !n.computed) return visit(n.value as Node, false);
      for (const c of children(n)) visit(c, false);
    };
    for (const p of parts) visit(p, false);
    for (const t of targets) reads.delete(t);
    return { reads: [...reads].sort(), calls: [...calls].sort(), targets: [...targets].sort(), mutates: [...mutates].sort(), indirect: [...indirect].sort() };
  };
  /** Function bodies written inside a statement's expressions (an arrow in a const): their statements count too. */
  const innerBodies = (n: Node): Node[] => {
    const found: Node[] = [];
    const look = (x: Node) => {
      if ((x.type === "ArrowFunctionExpression" || x.type === "FunctionExpression") && (x.body as Node).type === "BlockStatement") return found.push(x.body as Node);
      for (const c of children(x)) look(c);
    };
    for (const c of children(n)) look(c);
    return found;
  };
  const visit = (body: Node[], path: string[]) => {
    for (const n of body) {
      if (n.type === "BlockStatement") {
        visit(n.body as Node[], path);
        continue;
      }
      const parts = split(n);
      const headerEnd = parts ? Math.min(...(parts.bodies.flatMap(([, b]) => b).map((b) => b.start) as number[]), n.end) : n.end;
      const key = squash(
        n.type === "FunctionDeclaration"
          ? `function ${(n.id as Node).name as string}`
          : n.type === "ClassDeclaration"
            ? `class ${(n.id as Node).name as string}`
            : n.type === "TryStatement"
              ? "try"
              : text.slice(n.start, headerEnd).replace(/\{\s*$/, ""),
      ).slice(0, 400);
      const own = parts ? parts.header : [n];
      const f = facts(own);
      if (n.type === "ForOfStatement" || n.type === "ForInStatement") {
        const left = n.left as Node;
        for (const d of left.type === "VariableDeclaration" ? (left.declarations as Node[]) : [left]) {
          const id = (d.id as Node | undefined) ?? d;
          if (id.type === "Identifier") f.targets.push(id.name as string);
        }
      }
      out.push({ line: n.loc!.start.line, endLine: n.loc!.end.line, kind: n.type, key, path, ...f });
      for (const [label, inner] of parts?.bodies ?? []) if (inner.length) visit(inner, [...path, key.slice(0, 200) + label]);
      if (!parts) for (const b of innerBodies(n)) visit(b.body as Node[], [...path, key.slice(0, 200)]);
    }
  };
  visit(program.body as Node[], []);
  return out;
}
