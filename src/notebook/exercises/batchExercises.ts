import type { BatchAuditResult } from '../../batch/audits.js';
import { type ExerciseCheck, notAnswered, verdict } from './exerciseCheck.js';

/** The audit that stops readings outside the contract ranges (see src/batch/audits.ts). */
export const CONTRACT_AUDIT = 'silver inputs within contract ranges';

/**
 * Notebook 03, exercise 1: the result of a batch run over a lake with a file dropped in by hand (an impossible
 * temperature): not published, stopped by the contract audit, main where it was.
 * @example checkBadFileStopped(await runBatch({ config, store, catalog }), { mainHash: before.hash });
 */
export function checkBadFileStopped(
  answer: { published: boolean; audits: readonly BatchAuditResult[]; mainHash: string } | undefined,
  context: { mainHash: string },
): ExerciseCheck {
  const exercise = '03.1 a bad file stops the publish';
  if (answer === undefined) return notAnswered(exercise, 'the result of runBatch after dropping the file');
  const contract = answer.audits.find((a) => a.name === CONTRACT_AUDIT);
  const problems: string[] = [];
  if (answer.published)
    problems.push('this run published: did it read the dropped file? (drop it, then run the batch)');
  if (contract === undefined) problems.push('this run audited nothing (did it find anything new to build?)');
  else if (contract.passed)
    problems.push(`the contract audit passed (${contract.detail}): the bad value did not reach silver`);
  if (answer.mainHash !== context.mainHash)
    problems.push(`main moved from ${context.mainHash.slice(0, 12)} to ${answer.mainHash.slice(0, 12)}`);
  return verdict(exercise, problems.length === 0, {
    pass: `the contract audit stopped the run (${contract?.detail}); main stays at ${context.mainHash.slice(0, 12)}`,
    fail: problems.join('; '),
  });
}

const day = (v: unknown) => (v instanceof Date ? v.toISOString() : String(v)).slice(0, 10);

/**
 * Notebook 03, exercise 2: the device-day with the lowest min_health_score in gold_device_health (any of them
 * on a tie), as { device_id, date }.
 * @example checkLowestHealth({ device_id: 'device_2', date: '2025-04-07' }, { health: rows });
 */
export function checkLowestHealth(
  answer: { device_id: string; date: string } | undefined,
  context: { health: readonly Record<string, unknown>[] },
): ExerciseCheck {
  const exercise = '03.2 the least healthy device-day';
  if (answer === undefined) return notAnswered(exercise, "{ device_id: '…', date: 'YYYY-MM-DD' }");
  const score = (r: Record<string, unknown>) => Number(r.min_health_score);
  const lowest = Math.min(...context.health.map(score));
  const match = context.health.find(
    (r) => r.device_id === answer.device_id && day(r.date) === day(answer.date),
  );
  return verdict(exercise, match !== undefined && score(match) === lowest, {
    pass: `${answer.device_id} on ${day(answer.date)}: min_health_score ${lowest}, the lowest of ${context.health.length} device-days`,
    fail:
      match === undefined
        ? `gold_device_health has no row for ${answer.device_id} on ${day(answer.date)}`
        : `${answer.device_id} on ${day(answer.date)} scores ${score(match)}; some device-day scores lower`,
  });
}
