import type { RuleSet } from '../../speed/ruleSet.js';
import type { SweepRow } from '../../speed/tuning/sweep.js';
import { type ExerciseCheck, notAnswered, verdict } from './exerciseCheck.js';

/**
 * Notebook 02, exercise 1: among the thresholds of a sweep that catch at least 40 % of the failures
 * (recall ≥ 0.4), the one whose alerts are right most often (highest precision; any of them on a tie).
 * @example checkPreciseThreshold(3.4, { rows: vibration.rows });
 */
export function checkPreciseThreshold(
  answer: number | undefined,
  context: { rows: readonly SweepRow[] },
): ExerciseCheck {
  const exercise = '02.1 the most precise threshold with recall ≥ 0.4';
  if (answer === undefined) return notAnswered(exercise, 'a threshold from the sweep table');
  const eligible = context.rows.filter((r) => (r.recall ?? 0) >= 0.4 && r.precision !== null);
  const best = Math.max(...eligible.map((r) => r.precision!));
  const winners = eligible.filter((r) => r.precision === best).map((r) => r.threshold);
  const row = context.rows.find((r) => Math.abs(r.threshold - answer) < 1e-9);
  const pct = (x: number | null) => (x === null ? 'n/a' : `${(x * 100).toFixed(0)} %`);
  return verdict(
    exercise,
    winners.some((t) => Math.abs(t - answer) < 1e-9),
    {
      pass: `${answer}: precision ${pct(best)} at recall ${pct(row?.recall ?? null)}`,
      fail:
        row === undefined
          ? `${answer} is not a threshold of the sweep (${context.rows[0]?.threshold} … ${context.rows.at(-1)?.threshold})`
          : (row.recall ?? 0) < 0.4
            ? `${answer} catches ${pct(row.recall)} of the failures, under 40 %`
            : `${answer} has precision ${pct(row.precision)}; another threshold with recall ≥ 0.4 does better`,
    },
  );
}

/**
 * Notebook 02, exercise 2: the reference rule set with the temperature threshold moved to 30 °C, named
 * "warm", every other rule unchanged.
 * @example checkWarmRules(answer, { reference: referenceRules() });
 */
export function checkWarmRules(answer: RuleSet | undefined, context: { reference: RuleSet }): ExerciseCheck {
  const exercise = '02.2 a "warm" rule set (temperature above 30 °C)';
  if (answer === undefined) return notAnswered(exercise, 'a rule set (start from withThreshold)');
  const problems: string[] = [];
  if (answer.name !== 'warm') problems.push(`its name is ${JSON.stringify(answer.name)}, not "warm"`);
  const rules = answer.rules ?? [];
  if (rules.length !== context.reference.rules.length)
    problems.push(`it has ${rules.length} rules, the reference ${context.reference.rules.length}`);
  context.reference.rules.forEach((ref, i) => {
    const rule = rules[i] as (typeof rules)[number] | undefined;
    if (rule === undefined) return;
    const isTemperature = ref.kind === 'threshold' && ref.metric === 'temperature';
    const expected = isTemperature ? { ...ref, threshold: 30 } : ref;
    if (JSON.stringify(rule) !== JSON.stringify(expected)) {
      problems.push(
        isTemperature
          ? `the temperature rule's threshold is ${(rule as { threshold?: number }).threshold}, not 30`
          : `rule ${i + 1} (${ref.anomaly_type}) differs from the reference`,
      );
    }
  });
  return verdict(exercise, problems.length === 0, {
    pass: `"warm" raises high_temperature above 30 °C; the other ${context.reference.rules.length - 1} rules are the reference's`,
    fail: problems.join('; '),
  });
}
