/**
 * Benchmark 1, loop overhead: an instant proposer and a trainer that exits at once, through the whole loop
 * (commit, gate, worktree, run, parse, decide, record). Prints experiments/s and the gap between runs.
 *   npx tsx bench/loop-overhead.ts [experiments]
 */
import { benchLoop } from "./lib/loop-session";
import { median, ms, percentile } from "./lib/stats";

export interface LoopOverhead {
  experimentsPerSecond: number;
  gapMedianMs: number;
  gapP95Ms: number;
}

export async function loopOverhead(experiments = 60): Promise<LoopOverhead> {
  const f = await benchLoop({ experiments, runSeconds: 0, proposerDelayMs: 0 });
  return { experimentsPerSecond: (f.experiments + 1) / (f.wallMs / 1000), gapMedianMs: median(f.gaps), gapP95Ms: percentile(f.gaps, 95) };
}

if (require.main === module) {
  void loopOverhead(Number(process.argv[2] ?? 60)).then((r) => {
    console.log(`${r.experimentsPerSecond.toFixed(1)} experiments/s; gap between runs: median ${ms(r.gapMedianMs)}, p95 ${ms(r.gapP95Ms)}`);
  });
}
