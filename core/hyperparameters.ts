/**
 * Hyperparameters against the metric across a session: which constants ever changed, their values as numbers
 * where they are numbers, and how much the metric moved when each one changed. An experiment is a change to
 * its parent (the commit it was built on), so its effect is its metric minus its parent's: each constant it
 * changed is credited with that move, and an experiment that changed one constant alone is a clean measurement
 * of it. Pure.
 */
import type { ExperimentStatus, MetricGoal } from "./types";

export interface HyperparameterRow {
  id: number;
  idx: number;
  status: string;
  metricValue: number | null;
  parentId: number | null;
  /** Name → value as written (file-qualified names when the workspace has several files). */
  values: Record<string, string>;
}

/** Merges per-file constants into one map; names are `file:NAME` when there is more than one file. */
export function flattenConstants(files: Readonly<Record<string, Readonly<Record<string, string>>>>): Record<string, string> {
  const names = Object.keys(files).sort();
  const out: Record<string, string> = {};
  for (const f of names) for (const [k, v] of Object.entries(files[f]!)) out[names.length > 1 ? `${f}:${k}` : k] = v;
  return out;
}

// Digits after the point only after a literal point: `\d[\d_]*\.?\d*` backtracked quadratically over digits.
const NUMBER = /^[-+]?(?:\d[\d_]*(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?$/;
/** A hyperparameter written longer than this is not read as a number (nor can it cost a regex much). */
const MAX_NUMBER_TEXT = 64;

/** A value as a number where it is one: 0.04, 3e-4, 1_000, 2**10, 64 * 4, True (1); null for anything else. */
export function numericValue(text: string): number | null {
  const t = text.trim();
  if (t.length > MAX_NUMBER_TEXT) return null;
  if (t === "True" || t === "true") return 1;
  if (t === "False" || t === "false") return 0;
  if (NUMBER.test(t)) return Number(t.replace(/_/g, ""));
  const pow = /^(\d+(?:\.\d+)?)\s*\*\*\s*(-?\d+(?:\.\d+)?)$/.exec(t);
  if (pow) return Number(pow[1]) ** Number(pow[2]);
  const product = /^(\d+(?:\.\d+)?)\s*([*/])\s*(\d+(?:\.\d+)?)$/.exec(t);
  if (product) return product[2] === "*" ? Number(product[1]) * Number(product[3]) : Number(product[1]) / Number(product[3]);
  return null;
}

/** Constants with more than one value across the rows (a name some rows lack counts as changed), by name. */
export function changedNames(rows: readonly HyperparameterRow[]): string[] {
  const seen = new Map<string, Set<string | undefined>>();
  const all = new Set(rows.flatMap((r) => Object.keys(r.values)));
  for (const name of all) seen.set(name, new Set(rows.map((r) => r.values[name])));
  return [...all].filter((n) => seen.get(n)!.size > 1).sort();
}

export interface Axis {
  name: string;
  /** Numbers where every value present is one; otherwise categories, in order of first appearance. */
  kind: "number" | "category";
  categories: string[];
  min: number;
  max: number;
}

const TINY = 1e-12;

/** How a constant's values are laid out on an axis: by number, or as categories. */
export function axisOf(rows: readonly HyperparameterRow[], name: string): Axis {
  const present = rows.map((r) => r.values[name]).filter((v): v is string => v !== undefined);
  const numbers = present.map(numericValue);
  if (present.length > 0 && numbers.every((n) => n !== null && Number.isFinite(n))) {
    const ns = numbers as number[];
    const min = ns.reduce((a, b) => Math.min(a, b), Number.POSITIVE_INFINITY);
    const max = ns.reduce((a, b) => Math.max(a, b), Number.NEGATIVE_INFINITY);
    // Values all below 1e-12 (an epsilon of 1e-20): a scale of ticks cannot be made for them, categories can.
    if (Math.max(Math.abs(min), Math.abs(max)) >= TINY || (min === 0 && max === 0)) return { name, kind: "number", categories: [], min, max };
  }
  const categories = [...new Set(present)];
  return { name, kind: "category", categories, min: 0, max: Math.max(0, categories.length - 1) };
}

/** Where a row sits on an axis; null when it has no value for that constant. */
export function positionOn(axis: Axis, value: string | undefined): number | null {
  if (value === undefined) return null;
  if (axis.kind === "number") return numericValue(value);
  const i = axis.categories.indexOf(value);
  return i < 0 ? null : i;
}

export interface ConstantImportance {
  name: string;
  /** Experiments that changed it (and have a metric, as has their parent). */
  experiments: number;
  /** Of those, how many changed nothing else. */
  alone: number;
  /** Mean |metric − parent's metric| over them. */
  meanAbsMove: number;
  /** The best gain among them, in the goal's direction (positive is better); null when none gained. */
  bestGain: number | null;
  /** How many of them improved on their parent. */
  improved: number;
}

/**
 * For each constant, how much the metric moved when an experiment changed it from its parent's value; ranked
 * by that move, the constants changed in most experiments first among equals.
 */
export function importanceRanking(rows: readonly HyperparameterRow[], goal: MetricGoal): ConstantImportance[] {
  const byId = new Map(rows.map((r) => [r.id, r]));
  const acc = new Map<string, { moves: number[]; alone: number; gains: number[] }>();
  for (const r of rows) {
    const parent = r.parentId === null ? undefined : byId.get(r.parentId);
    if (!parent || r.metricValue === null || parent.metricValue === null || !Number.isFinite(r.metricValue) || !Number.isFinite(parent.metricValue)) continue;
    const names = [...new Set([...Object.keys(r.values), ...Object.keys(parent.values)])].filter((n) => r.values[n] !== parent.values[n]);
    const move = r.metricValue - parent.metricValue;
    const gain = goal === "minimize" ? -move : move;
    for (const n of names) {
      const a = acc.get(n) ?? { moves: [], alone: 0, gains: [] };
      a.moves.push(Math.abs(move));
      a.gains.push(gain);
      if (names.length === 1) a.alone++;
      acc.set(n, a);
    }
  }
  return [...acc.entries()]
    .map(([name, a]) => {
      const best = Math.max(...a.gains);
      return {
        name,
        experiments: a.moves.length,
        alone: a.alone,
        meanAbsMove: a.moves.reduce((s, m) => s + m, 0) / a.moves.length,
        bestGain: best > 0 ? best : null,
        improved: a.gains.filter((g) => g > 0).length,
      };
    })
    .sort((x, y) => y.meanAbsMove - x.meanAbsMove || y.experiments - x.experiments || x.name.localeCompare(y.name));
}

/** A session's (or a workspace's) hyperparameter views as the dashboard and the report get them (db/queries/hyperparameter-views). */
export interface HyperparameterViews {
  scope: { kind: "session" | "workspace"; id: number; name: string };
  metric: { name: string; goal: MetricGoal };
  /** The constants that changed, by name; each row carries its values of these only. */
  names: string[];
  /** The constants no experiment changed, with their value. */
  unchanged: Record<string, string>;
  rows: (HyperparameterRow & { status: ExperimentStatus; sessionTag: string; title: string; axis: string })[];
  importance: ConstantImportance[];
  /** Experiments with no code yet (proposed, or their commit gone). */
  withoutCode: number;
}
