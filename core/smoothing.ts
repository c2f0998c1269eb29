/**
 * TensorBoard's smoothing: an exponential moving average, debiased so the first points are not dragged
 * towards zero. weight 0 returns the series as it is (autoresearch's loss is already an EMA).
 */
export function smoothEma<P extends { value: number }>(points: readonly P[], weight: number): P[] {
  if (weight <= 0) return points.slice();
  const w = Math.min(weight, 0.999);
  let last = 0;
  let n = 0;
  return points.map((p) => {
    if (!Number.isFinite(p.value)) return p;
    last = last * w + (1 - w) * p.value;
    n++;
    return { ...p, value: last / (1 - w ** n) };
  });
}
