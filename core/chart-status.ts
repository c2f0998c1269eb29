/**
 * What a curve's header says and whether the chart is drawn. The count is the run's own points only: a reference
 * curve (the session's best, drawn dashed under a run that has not printed yet) must not make a silent run look live.
 */
export interface ChartStatus {
  /** e.g. "12 points · live"; the run's own points. */
  caption: string;
  /** Said instead of, or above, the chart while the run has no points of its own. */
  notice: string | null;
  /** Reference curves are still worth drawing while the run's own curve is empty. */
  drawChart: boolean;
}

export function chartStatus(ownPoints: number, referenceCurves: number, live: boolean): ChartStatus {
  const empty = live ? "Waiting for the first progress record…" : "This run printed no progress records.";
  return {
    caption: `${ownPoints} points${live ? " · live" : ""}`,
    notice: ownPoints > 0 ? null : referenceCurves > 0 ? `${empty} The other curve is shown for reference.` : empty,
    drawChart: ownPoints > 0 || referenceCurves > 0,
  };
}
