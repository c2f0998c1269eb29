/**
 * The offline proposer's logic: find the top-level numeric constants of the editable files (Python's
 * `LR = 0.04`, `TOTAL_BATCH_SIZE = 2**19`, `ADAM_BETAS = (0.8, 0.95)`; JavaScript's `const LR = 0.01;`) and
 * change one or two of them, never proposing a configuration already tried. Deterministic under a seed.
 */
import type { FileEdit } from "./types";

export interface NumericConstant {
  file: string;
  name: string;
  /** The whole line, the edit's anchor. */
  line: string;
  /** The value as written, and where it sits in the line. */
  valueText: string;
  valueStart: number;
}

/** Constants that are not hyperparameters: changing them only adds noise or changes the logging. */
const NOT_HYPERPARAMETERS = /SEED|LOG|EVERY|PRINT|EVAL|VERBOSE|DEBUG|DEVICE|BUDGET|MAX_CONTEXT/;

const PY = /^([A-Z][A-Z0-9_]*)(\s*=\s*)([^#]+?)\s*(#.*)?$/;
const JS = /^((?:export\s+)?(?:const|let|var)\s+)([A-Z][A-Z0-9_]*)(\s*=\s*)([^;/]+?)\s*;?\s*(\/\/.*)?$/;
const NUM = String.raw`-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?`;
const VALUE = new RegExp(String.raw`^(?:${NUM}|\d+\s*\*\*\s*\d+|[(\[]\s*${NUM}(?:\s*,\s*${NUM})*\s*,?\s*[)\]])$`);

export function findConstants(file: string, source: string): NumericConstant[] {
  const out: NumericConstant[] = [];
  for (const line of source.split("\n")) {
    let name: string | undefined;
    let valueText: string | undefined;
    let valueStart = 0;
    const js = JS.exec(line);
    const py = js ? null : PY.exec(line);
    if (js) {
      name = js[2];
      valueText = js[4];
      valueStart = js[1]!.length + js[2]!.length + js[3]!.length;
    } else if (py) {
      name = py[1];
      valueText = py[3];
      valueStart = py[1]!.length + py[2]!.length;
    }
    if (!name || !valueText || !VALUE.test(valueText.trim()) || NOT_HYPERPARAMETERS.test(name)) continue;
    out.push({ file, name, line, valueText, valueStart });
  }
  return out;
}

/** mulberry32: a small seeded generator, so a session's proposals can be replayed. */
export function seededRandom(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pick = <T>(xs: readonly T[], rnd: () => number): T => xs[Math.floor(rnd() * xs.length)]!;

function formatFloat(x: number): string {
  const s = Number(x.toPrecision(3)).toString();
  return s.includes(".") || s.includes("e") ? s : `${s}.0`;
}

function mutateNumber(text: string, name: string, rnd: () => number): string {
  const v = Number(text);
  const isInt = /^-?\d+$/.test(text);
  const unit = /RATIO|FRAC|DROPOUT|MOMENTUM|BETA/.test(name) && v >= 0 && v <= 1;
  if (isInt) {
    if (v === 0) return "1";
    const isPow2 = v > 0 && (v & (v - 1)) === 0;
    const options = v < 8 ? [v + 1, v - 1] : isPow2 ? [v * 2, v / 2] : [Math.round(v * 1.5), Math.round(v / 1.5)];
    return String(
      pick(
        options.filter((o) => o >= 1 && o !== v),
        rnd,
      ) ?? v + 1,
    );
  }
  if (v === 0) return pick(["0.05", "0.1"], rnd);
  if (unit && v > 0.5) return formatFloat(1 - (1 - v) * pick([2, 0.5], rnd)); // betas: move the distance to 1
  const next = v * pick([2, 0.5, 1.5, 1 / 1.5], rnd);
  return formatFloat(unit ? Math.min(1, next) : next);
}

function mutateValue(c: NumericConstant, rnd: () => number): string {
  const t = c.valueText.trim();
  const pow = /^(\d+)\s*\*\*\s*(\d+)$/.exec(t);
  if (pow) return `${pow[1]}**${Math.max(1, Number(pow[2]) + pick([1, -1], rnd))}`;
  if (/^[([]/.test(t)) {
    const nums = [...t.matchAll(new RegExp(NUM, "g"))].map((m) => m[0]);
    const i = Math.floor(rnd() * nums.length);
    nums[i] = mutateNumber(nums[i]!, `${c.name}_BETA`, rnd);
    return `${t[0]}${nums.join(", ")}${nums.length === 1 && t[0] === "(" ? "," : ""}${t[t.length - 1]}`;
  }
  return mutateNumber(t, c.name, rnd);
}

/** Identifies a configuration: every constant's value, so a repeat can be refused. */
export function configSignature(files: Readonly<Record<string, string>>): string {
  const parts = Object.entries(files)
    .sort(([a], [b]) => a.localeCompare(b))
    .flatMap(([file, src]) => findConstants(file, src).map((c) => `${file}:${c.name}=${c.valueText.replace(/\s+/g, "")}`));
  return parts.join("|");
}

export interface Mutation {
  title: string;
  hypothesis: string;
  edits: FileEdit[];
  signature: string;
}

export function proposeMutation(files: Readonly<Record<string, string>>, tried: ReadonlySet<string>, seed: number, metricName: string): Mutation | null {
  const rnd = seededRandom(seed);
  const constants = Object.entries(files).flatMap(([file, src]) => findConstants(file, src));
  if (constants.length === 0) return null;
  for (let attempt = 0; attempt < 200; attempt++) {
    const count = constants.length > 1 && rnd() < 0.3 ? 2 : 1;
    const chosen = new Set<NumericConstant>();
    while (chosen.size < count) chosen.add(pick(constants, rnd));
    const edits: FileEdit[] = [];
    const changes: string[] = [];
    const next = { ...files };
    for (const c of chosen) {
      const value = mutateValue(c, rnd);
      if (value === c.valueText.trim()) continue;
      const line = c.line.slice(0, c.valueStart) + value + c.line.slice(c.valueStart + c.valueText.length);
      edits.push({ file: c.file, old: c.line, new: line });
      next[c.file] = next[c.file]!.replace(c.line, line);
      changes.push(`${c.name} ${c.valueText.trim()} → ${value}`);
    }
    if (edits.length === 0) continue;
    const signature = configSignature(next);
    if (tried.has(signature)) continue;
    return {
      title: changes.join(", "),
      hypothesis: `Changing ${changes.join(" and ")} may lower ${metricName} within the fixed budget.`,
      edits,
      signature,
    };
  }
  return null;
}
