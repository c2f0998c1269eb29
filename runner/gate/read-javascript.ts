/**
 * Reads changed JavaScript files with a real parser (acorn, the one bundlers use) into the same facts the
 * Python reader gives (core/gate/source-rules SourceFacts), so the gate's rules judge what Node will run: a
 * U+2028 that ends a `//` comment, a lone CR, a name built at run time are seen as the engine sees them.
 */
import { createHash } from "node:crypto";
import * as acorn from "acorn";
import * as walk from "acorn-walk";
import type { ParsedSources, SourceFacts, SourceParse } from "../../core/gate";
import { children, dotted, statementsOf, stringsOf } from "./javascript-statements";

type Node = acorn.Node & Record<string, unknown>;
const BIDI = /[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]/;
/** Objects every module shares: a property of theirs named at run time can be anything, the harness's included. */
const GLOBAL_OBJECTS = /^(globalThis|global|window|process|console|Math|Date|performance|Reflect|Object|JSON|prepare)(\.|$)/;
/** A module's name as the rules know it: node:fs → fs, ./prepare.mjs → prepare. */
const moduleName = (m: string) =>
  m
    .replace(/^node:/, "")
    .replace(/^\.\//, "")
    .replace(/\.(m|c)?js$/, "");
/** Globals whose members reach the outside or the output: a name taken from them is an alias, like an import. */
const SHARED_ROOTS = /^(globalThis|global|process|console|Math|Date|performance|Reflect|Object|JSON|Number|Function)(\.|$)/;
const OUTPUT_CALLS = /^(console\.\w+|process\.(stdout|stderr)\.write)$/;

function tricks(text: string, comments: { start: number; end: number }[], names: { name: string; line: number }[]): SourceFacts["tricks"] {
  const out: SourceFacts["tricks"] = [];
  let line = 1;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    const inComment = comments.some((c) => i >= c.start && i < c.end);
    if (ch === "\r" && text[i + 1] !== "\n") out.push({ line, kind: "lone-cr", what: "a lone carriage return ends a line for JavaScript but not for most diff viewers" });
    else if (ch === "\u2028" || ch === "\u2029")
      out.push({ line, kind: "line-separator", what: `U+${ch.charCodeAt(0).toString(16).toUpperCase()} ends a line (and a // comment${inComment ? ", this one" : ""}) for JavaScript` });
    else if (BIDI.test(ch))
      out.push({ line, kind: "bidi", what: `a bidirectional control character (U+${ch.charCodeAt(0).toString(16).toUpperCase()}) makes the code display in another order than it runs` });
    else if (ch === "\0") out.push({ line, kind: "nul", what: "a NUL character in the source" });
    if (ch === "\n" || ch === "\u2028" || ch === "\u2029" || (ch === "\r" && text[i + 1] !== "\n")) line++;
  }
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the range is every ASCII character, control characters included
  for (const n of names) if (!/^[\x00-\x7f]*$/.test(n.name)) out.push({ line: n.line, kind: "non-ascii-name", what: `the name ${JSON.stringify(n.name)} is not ASCII` });
  return out;
}

const isLiteral = (n: Node, constants: Set<string>): boolean => {
  switch (n.type) {
    case "Literal":
      return !(n as { regex?: unknown }).regex;
    case "ArrayExpression":
      return (n.elements as Node[]).every((e) => e && isLiteral(e, constants));
    case "UnaryExpression":
      return (n.operator === "-" || n.operator === "+") && isLiteral(n.argument as Node, constants);
    case "BinaryExpression":
      return ["+", "-", "*", "/", "%", "**"].includes(n.operator as string) && isLiteral(n.left as Node, constants) && isLiteral(n.right as Node, constants);
    case "Identifier":
      return constants.has(n.name as string);
    case "TemplateLiteral":
      return (n.expressions as Node[]).length === 0;
    default:
      return false;
  }
};

const hashOf = (n: Node) =>
  createHash("sha256")
    .update(JSON.stringify(n, (k, v) => (k === "start" || k === "end" || k === "loc" ? undefined : v)))
    .digest("hex")
    .slice(0, 16);

/** Shared objects that, handed on as values, can be patched under another name ((M) => { M.log = … })(Math)). */
const MODULE_ROOTS = new Set(["Math", "process", "console", "globalThis", "global", "Reflect", "JSON", "performance", "Object", "Function", "Date"]);

function moduleValues(program: Node, namespaces: Set<string>, resolve: (name: string | null) => string | null): { name: string; line: number }[] {
  const out: { name: string; line: number }[] = [];
  // A shared object under any spelling: Math, an alias of it (const gt = globalThis), globalThis.process.
  const isRoot = (n: Node) => {
    const name = n.type === "Identifier" ? (n.name as string) : n.type === "MemberExpression" ? dotted(n) : null;
    if (!name) return false;
    const resolved = resolve(name) ?? name;
    return MODULE_ROOTS.has(resolved) || namespaces.has(resolved) || /^(globalThis|global|window|self)$/.test(resolved);
  };
  const visit = (n: Node, parent: Node | null) => {
    if ((n.type === "Identifier" || n.type === "MemberExpression") && isRoot(n) && parent) {
      const p = parent;
      const through =
        (p.type === "MemberExpression" && p.object === n) ||
        ((p.type === "CallExpression" || p.type === "NewExpression") && p.callee === n) ||
        /^(Import|Export)\w*Specifier$/.test(p.type) ||
        (p.type === "UnaryExpression" && p.operator === "typeof") ||
        (p.type === "BinaryExpression" && p.operator === "instanceof") ||
        (p.type === "Property" && p.key === n && !p.computed) ||
        (p.type === "MemberExpression" && p.property === n && !p.computed) ||
        (p.type === "VariableDeclarator" && (p.id === n || (p.init === n && (p.id as Node).type === "Identifier")));
      if (!through) out.push({ name: resolve(n.type === "Identifier" ? (n.name as string) : dotted(n)) ?? "globalThis", line: n.loc!.start.line });
    }
    for (const c of children(n)) visit(c, n);
  };
  visit(program, null);
  return out;
}

export function javascriptFacts(text: string): SourceParse {
  const comments: acorn.Comment[] = [];
  let ast: acorn.Program;
  try {
    ast = acorn.parse(text, { ecmaVersion: "latest", sourceType: "module", locations: true, onComment: comments, allowHashBang: true });
  } catch (e) {
    const err = e as SyntaxError & { loc?: { line: number } };
    return { ok: false, error: `SyntaxError: ${err.message}`, line: err.loc?.line ?? 1 };
  }
  const f: SourceFacts = {
    ok: true,
    tricks: [],
    imports: [],
    bindings: [],
    attrWrites: [],
    calls: [],
    dynamic: [],
    dunders: [],
    constants: [],
    functions: [],
    instances: [],
    uses: [],
    statements: (ast.body as Node[]).map((n) => ({ line: n.loc!.start.line, endLine: n.loc!.end.line })),
  };
  const aliases = new Map<string, string>();
  const resolve = (name: string | null) => {
    if (!name) return null;
    const [head, ...rest] = name.split(".");
    // globalThis.fetch is fetch (the global object's members are the globals), under any alias of globalThis.
    return [aliases.get(head!) ?? head, ...rest].join(".").replace(/^((globalThis|global|window|self)\.)+(?=\w)/, "");
  };
  const names: { name: string; line: number }[] = [];
  const line = (n: Node) => n.loc!.start.line;
  const scopes: string[] = [];
  let inOutput = 0;
  const where = () => scopes.join(".") || "<module>";
  const bindPattern = (p: Node | null, kind: string, at: Node) => {
    if (!p) return;
    if (p.type === "Identifier") f.bindings.push({ name: p.name as string, kind, line: line(at), scope: where() });
    else if (p.type === "ArrayPattern") for (const e of p.elements as Node[]) bindPattern(e, kind, at);
    else if (p.type === "ObjectPattern") for (const prop of p.properties as Node[]) bindPattern((prop.type === "RestElement" ? prop.argument : prop.value) as Node, kind, at);
    else if (p.type === "AssignmentPattern") bindPattern(p.left as Node, kind, at);
    else if (p.type === "RestElement") bindPattern(p.argument as Node, kind, at);
    else if (p.type === "MemberExpression") {
      // Object.getPrototypeOf(0).toFixed = …: a write to a shared prototype, however it was reached.
      const obj = p.object as Node;
      const proto = obj.type === "CallExpression" && /^(Object|Reflect)\.getPrototypeOf$/.test(dotted(obj.callee as Node) ?? "") ? `Object.prototype.${dotted(p.property as Node) ?? "[]"}` : null;
      const named = proto ?? resolve(dotted(p));
      f.attrWrites.push({ target: named ?? `${resolve(dotted(p.object as Node)) ?? "(expression)"}[]`, line: line(at), via: kind });
    }
  };
  const literalConstants = new Set<string>();
  const namesOf = new Map<Node, string>();
  for (const st of ast.body as Node[]) {
    if (st.type === "ImportDeclaration") {
      const module = (st.source as Node).value as string;
      for (const s of st.specifiers as Node[]) {
        const local = (s.local as Node).name as string;
        const imported = s.type === "ImportSpecifier" ? ((s.imported as Node).name as string) : null;
        aliases.set(local, imported ? `${moduleName(module)}.${imported}` : moduleName(module));
        f.imports.push({ module: moduleName(module), name: imported, alias: local, line: line(st) });
        f.bindings.push({ name: local, kind: "import", line: line(st), scope: "<module>" });
      }
      if (!(st.specifiers as Node[]).length) f.imports.push({ module: moduleName(module), name: null, alias: "", line: line(st) });
    }
    if (st.type === "VariableDeclaration" && st.kind === "const") {
      for (const d of st.declarations as Node[]) {
        if ((d.id as Node).type !== "Identifier" || !d.init) continue;
        const name = (d.id as Node).name as string;
        const literal = isLiteral(d.init as Node, literalConstants);
        if (literal) literalConstants.add(name);
        f.constants.push({ name, line: line(st), endLine: st.loc!.end.line, literal, value: literal ? text.slice((d.init as Node).start, (d.init as Node).end) : null });
      }
    }
  }
  type Visit = (n: Node, st: null, c: (n: Node, st: null) => void) => void;
  const visitors: Record<string, Visit> = {
    Identifier(n) {
      names.push({ name: n.name as string, line: line(n) });
    },
    VariableDeclarator(n, st, c) {
      const d = n;
      bindPattern(d.id as Node, "assign", d);
      // `const m = Math`, `const w = process.stdout.write`: the new name is an alias of what it was given.
      const source = dotted(d.init as Node | null);
      if ((d.id as Node).type === "Identifier" && source && (aliases.has(source.split(".")[0]!) || SHARED_ROOTS.test(source))) aliases.set((d.id as Node).name as string, resolve(source)!);
      // `const { env } = process`: each destructured name is an alias of that property.
      if ((d.id as Node).type === "ObjectPattern" && source) {
        for (const prop of (d.id as Node).properties as Node[]) {
          const key = prop.key as Node | undefined;
          const value = prop.value as Node | undefined;
          if (key?.type === "Identifier" && value?.type === "Identifier") aliases.set(value.name as string, `${resolve(source)}.${key.name as string}`);
          if (key?.type === "Identifier" && (aliases.has(source.split(".")[0]!) || SHARED_ROOTS.test(source))) f.uses!.push({ name: `${resolve(source)}.${key.name as string}`, line: line(d) });
        }
      }
      const root = d.init as Node | null;
      let r = root;
      while (r && (r.type === "CallExpression" || r.type === "NewExpression" || r.type === "MemberExpression")) r = (r.type === "MemberExpression" ? r.object : r.callee) as Node;
      if ((d.id as Node).type === "Identifier" && r?.type === "Identifier") f.instances.push({ var: (d.id as Node).name as string, cls: r.name as string, line: line(d) });
      // `const sharpen = (…) => {…}`: the function has the constant's name.
      if ((d.id as Node).type === "Identifier" && d.init && /^(ArrowFunctionExpression|FunctionExpression)$/.test((d.init as Node).type)) namesOf.set(d.init as Node, (d.id as Node).name as string);
      if (d.init) c(d.init as Node, st);
    },
    AssignmentExpression(n, st, c) {
      const a = n;
      bindPattern(a.left as Node, a.operator === "=" ? "assign" : "augassign", a);
      const left = a.left as Node;
      if (left.type === "MemberExpression" && left.computed && (left.property as Node).type !== "Literal" && GLOBAL_OBJECTS.test(resolve(dotted(left.object as Node)) ?? ""))
        f.dynamic.push({ line: line(a), what: `an assignment to ${dotted(left.object as Node)}[…], a property named at run time` });
      c(a.right as Node, st);
      if (left.type === "MemberExpression") c(left.object as Node, st);
    },
    UpdateExpression(n, st, c) {
      bindPattern(n.argument as Node, "augassign", n as Node);
      c(n.argument as Node, st);
    },
    ForOfStatement(n, st, c) {
      const x = n;
      if ((x.left as Node).type !== "VariableDeclaration") bindPattern(x.left as Node, "for", x);
      else for (const d of (x.left as Node).declarations as Node[]) bindPattern(d.id as Node, "for", x);
      c(x.right as Node, st);
      c(x.body as Node, st);
    },
    CatchClause(n, st, c) {
      const x = n;
      bindPattern(x.param as Node | null, "except", x);
      c(x.body as Node, st);
    },
    Function(n, st, c) {
      const fn = n;
      const name = ((fn.id as Node | null)?.name as string | undefined) ?? namesOf.get(fn);
      if (name && fn.type === "FunctionDeclaration") f.bindings.push({ name, kind: "def", line: line(fn), scope: where() });
      if (name) f.functions.push({ name: [...scopes, name].join("."), kind: "def", line: line(fn), endLine: fn.loc!.end.line, hash: hashOf(fn) });
      scopes.push(name ?? "<anonymous>");
      for (const p of fn.params as Node[]) bindPattern(p, "argument", fn);
      c(fn.body as Node, st);
      scopes.pop();
    },
    Class(n, st, c) {
      const cl = n;
      const name = (cl.id as Node | null)?.name as string | undefined;
      if (name) {
        f.bindings.push({ name, kind: "class", line: line(cl), scope: where() });
        f.functions.push({ name, kind: "class", line: line(cl), endLine: cl.loc!.end.line, hash: hashOf(cl) });
      }
      scopes.push(name ?? "<class>");
      if (cl.superClass) c(cl.superClass as Node, st);
      c(cl.body as Node, st);
      scopes.pop();
    },
    CallExpression(n, st, c) {
      const call = n;
      const callee = call.callee as Node;
      const name = resolve(dotted(callee)) ?? "(expression)";
      const args = call.arguments as Node[];
      const strings = args
        .filter((a) => a.type === "Literal" && typeof a.value === "string")
        .map((a) => a.value as string)
        .slice(0, 4);
      // Functions called inside the arguments (a closure handed to the evaluator calls the model's forward).
      const argCalls: string[] = [];
      for (const a of args)
        walk.simple(a as unknown as acorn.Node, {
          CallExpression(x) {
            const cal = (x as unknown as Node).callee as Node;
            if (cal.type === "Identifier") argCalls.push(cal.name as string);
          },
        });
      f.calls.push({
        name,
        line: line(call),
        strings,
        mode: null,
        args: args.length,
        scope: where(),
        argNames: args.filter((a) => a.type === "Identifier").map((a) => a.name as string),
        argCalls,
        inOutput: inOutput > 0,
        text: text.slice(call.start, call.end).slice(0, 300),
      });
      if (/^(Reflect\.(get|set|defineProperty|deleteProperty)|Object\.(defineProperty|defineProperties|assign|setPrototypeOf))$/.test(name)) {
        const target = resolve(dotted(args[0]));
        const key = args[1]?.type === "Literal" ? String(args[1].value) : null;
        if (name !== "Reflect.get" && name !== "Object.assign" && key) f.attrWrites.push({ target: `${target ?? "(expression)"}.${key}`, line: line(call), via: name });
        else if (name === "Object.assign" && target) f.attrWrites.push({ target: `${target}.*`, line: line(call), via: name });
        else if (!key && args.length > 1) f.dynamic.push({ line: line(call), what: `${name} with a property name computed at run time` });
      }
      if (/^(process\.getBuiltinModule|require|module\.createRequire|createRequire|module\.require)$/.test(name))
        f.dynamic.push({ line: line(call), what: `${name}(${strings[0] ? JSON.stringify(strings[0]) : "…"}) loads a module at run time, past the imports` });
      if (name === "eval" || name === "Function") f.dynamic.push({ line: line(call), what: `${name}() runs code built at run time` });
      c(callee, st);
      // A value computed only to be logged (a clock in a log line) is output, not logic.
      const output = OUTPUT_CALLS.test(name);
      if (output) inOutput++;
      for (const a of args) c(a, st);
      if (output) inOutput--;
    },
    NewExpression(n, st, c) {
      const x = n;
      const name = resolve(dotted(x.callee as Node)) ?? "(expression)";
      f.calls.push({
        name,
        line: line(x),
        strings: [],
        mode: null,
        args: (x.arguments as Node[]).length,
        scope: where(),
        argNames: (x.arguments as Node[]).filter((a) => a.type === "Identifier").map((a) => a.name as string),
        inOutput: false,
        text: text.slice(x.start, x.end).slice(0, 300),
      });
      if (name === "Function") f.dynamic.push({ line: line(x), what: "new Function() runs code built at run time" });
      c(x.callee as Node, st);
      for (const a of x.arguments as Node[]) c(a, st);
    },
    MemberExpression(n, st, c) {
      const m = n;
      const used = dotted(m);
      if (used && (aliases.has(used.split(".")[0]!) || SHARED_ROOTS.test(used))) f.uses!.push({ name: resolve(used)!, line: line(m) });
      const prop = m.property as Node;
      if (!m.computed && /^(__proto__|prototype|constructor|__defineGetter__|__defineSetter__|__lookupGetter__)$/.test(prop.name as string))
        f.dunders.push({ line: line(m), attr: prop.name as string });
      if (m.computed && prop.type !== "Literal") {
        const base = dotted(m.object as Node);
        if (base && GLOBAL_OBJECTS.test(resolve(base) ?? "")) f.dynamic.push({ line: line(m), what: `${base}[…] with a name computed at run time` });
      }
      c(m.object as Node, st);
      if (m.computed) c(prop, st);
    },
    ImportExpression(n, st, c) {
      f.dynamic.push({ line: line(n), what: "import() loads a module chosen at run time" });
      c(n.source as Node, st);
    },
  };
  walk.recursive(ast as unknown as acorn.Node, null, visitors as unknown as walk.RecursiveVisitors<null>, { ...walk.base });
  f.stmts = statementsOf(ast as unknown as Node, text, resolve);
  f.moduleValues = moduleValues(ast as unknown as Node, new Set(f.imports.filter((i) => i.name === null && i.alias).map((i) => i.alias)), resolve);
  f.strings = stringsOf(ast as unknown as Node);
  // Declared names are not visited as identifiers: every binding's name is read too.
  f.tricks = tricks(text, comments, [...names, ...f.bindings.map((b) => ({ name: b.name, line: b.line }))]);
  return f;
}

/** The parent's and the candidate's reading of every changed .js/.mjs/.cjs file present in the candidate. */
export function readChangedJavaScript(changed: readonly string[], before: Readonly<Record<string, string>>, after: Readonly<Record<string, string>>): ParsedSources {
  const out: ParsedSources = {};
  for (const file of changed) {
    if (!/\.(m|c)?js$/.test(file) || after[file] === undefined) continue;
    out[file] = { before: before[file] === undefined ? null : javascriptFacts(before[file]!), after: javascriptFacts(after[file]!) };
  }
  return out;
}
