/** What a change adds, judged by what and not where: multiset differences over facts. Pure. */
const keyed = <T>(items: T[], key: (t: T) => string) => {
  const counts = new Map<string, number>();
  for (const i of items) counts.set(key(i), (counts.get(key(i)) ?? 0) + 1);
  return counts;
};
/** The items of `after` beyond what `before` had of each key (a multiset difference: lines move, counts matter). */
export function added<T>(before: T[], after: T[], key: (t: T) => string): T[] {
  const left = keyed(before, key);
  const out: T[] = [];
  for (const a of after) {
    const k = key(a);
    const n = left.get(k) ?? 0;
    if (n > 0) left.set(k, n - 1);
    else out.push(a);
  }
  return out;
}

/** A module's top package (torch.nn.functional → torch; ..prepare → prepare). */
export const moduleOf = (name: string) => name.replace(/^\.+/, "").split(".")[0]!;
