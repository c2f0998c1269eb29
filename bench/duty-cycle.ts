/**
 * Benchmark 2, duty cycle: a proposer that takes 5 s and runs of 10 s, over 20 experiments. Training seconds
 * (the trainers' own start and end) over wall seconds from the first start to the last end.
 *   npx tsx bench/duty-cycle.ts [experiments] [runSeconds] [proposerSeconds]
 */
import { benchLoop } from "./lib/loop-session";

export interface DutyCycle {
  dutyCycle: number;
  trainingS: number;
  wallS: number;
}

export async function dutyCycle(experiments = 20, runSeconds = 10, proposerSeconds = 5): Promise<DutyCycle> {
  const f = await benchLoop({ experiments, runSeconds, proposerDelayMs: proposerSeconds * 1000 });
  const training = f.spans.reduce((sum, s) => sum + (s.end - s.start), 0);
  const wall = f.spans[f.spans.length - 1]!.end - f.spans[0]!.start;
  return { dutyCycle: training / wall, trainingS: training / 1000, wallS: wall / 1000 };
}

if (require.main === module) {
  const [n, run, propose] = process.argv.slice(2).map(Number);
  void dutyCycle(n || undefined, run || undefined, propose || undefined).then((r) => {
    console.log(`duty cycle ${(r.dutyCycle * 100).toFixed(2)}% (${r.trainingS.toFixed(1)} s training in ${r.wallS.toFixed(1)} s)`);
  });
}
