import { type Filters, resolveRange } from '../../dashboard/panels.js';
import { type ExerciseCheck, notAnswered, verdict } from './exerciseCheck.js';

/**
 * Notebook 05, exercise 1: the priority with the highest total estimated cost in maintenance_priority rows.
 * @example checkCostliestPriority('P1', { rows: await rowsOf('maintenance_priority') });
 */
export function checkCostliestPriority(
  answer: string | undefined,
  context: { rows: readonly Record<string, unknown>[] },
): ExerciseCheck {
  const exercise = '05.1 the costliest priority';
  if (answer === undefined) return notAnswered(exercise, "a priority such as 'P2'");
  const cost = (r: Record<string, unknown>) => Number(r.total_cost ?? 0);
  const top = Math.max(...context.rows.map(cost));
  const leaders = context.rows.filter((r) => cost(r) === top).map((r) => String(r.priority));
  const mine = context.rows.find((r) => r.priority === answer);
  return verdict(exercise, leaders.includes(answer), {
    pass: `${answer}: ${top.toLocaleString('en-US')} in estimated cost, the most of any priority`,
    fail:
      mine === undefined
        ? `no schedule has priority ${JSON.stringify(answer)} in these rows`
        : `${answer} costs ${cost(mine).toLocaleString('en-US')}; another priority costs more (cost, not the number of schedules)`,
  });
}

/**
 * Notebook 05, exercise 2: the filters of "the last 24 hours of one device" (from parseFilters); the check
 * shows the bound values the panel SQL would get.
 * @example checkDeviceDayFilters(parseFilters({ range: '24h', device: 'device_3' }), { device: 'device_3', newest });
 */
export function checkDeviceDayFilters(
  answer: Filters | undefined,
  context: { device: string; newest: string | null },
): ExerciseCheck {
  const exercise = `05.2 filters for the last 24 h of ${context.device}`;
  if (answer === undefined) return notAnswered(exercise, 'parseFilters({ … })');
  const problems: string[] = [];
  if (answer.range !== '24h') problems.push(`range is ${answer.range}, not 24h`);
  if (answer.device !== context.device)
    problems.push(`device is ${JSON.stringify(answer.device)}, not ${context.device}`);
  const range = problems.length === 0 ? resolveRange(answer, context.newest) : undefined;
  return verdict(exercise, problems.length === 0, {
    pass: `$from_ts ${range?.from_ts}, $to_ts ${range?.to_ts}, $device ${context.device}`,
    fail: problems.join('; '),
  });
}
