// Solutions of the exercises of notebooks/02-speed-layer-and-rule-tuning.ipynb: for teachers, and for the
// notebook's last (hidden) cell and test/notebooks/exercises.test.ts, which check that they still solve them.
import { type RuleSet, type SweepRow, withThreshold } from '../../src/index.js';

/** 02.1: of the thresholds catching at least 40 % of the failures, the one with the best precision. */
export function preciseThreshold(rows: readonly SweepRow[]): number {
  const eligible = rows.filter((r) => (r.recall ?? 0) >= 0.4 && r.precision !== null);
  return eligible.sort((a, b) => b.precision! - a.precision!)[0]!.threshold;
}

/** 02.2: the reference with the temperature threshold at 30 °C, named "warm". */
export function warmRules(reference: RuleSet): RuleSet {
  return { ...withThreshold(reference, 'temperature', 30), name: 'warm' };
}
