import { type ExerciseCheck, notAnswered, verdict } from './exerciseCheck.js';

type Row = Record<string, unknown>;
const day = (v: unknown) => (v instanceof Date ? v.toISOString() : String(v)).slice(0, 10);

/**
 * Notebook 04, exercise 1: the dates unified_device_health serves from the real-time view, sorted.
 * @example checkRealtimeDates(['2025-04-04'], { rows: unified.rows });
 */
export function checkRealtimeDates(
  answer: string[] | undefined,
  context: { rows: readonly Row[] },
): ExerciseCheck {
  const exercise = '04.1 the dates served from the real-time view';
  if (answer === undefined) return notAnswered(exercise, "an array of dates, e.g. ['2025-04-03']");
  const expected = [
    ...new Set(context.rows.filter((r) => r.source === 'realtime').map((r) => day(r.date))),
  ].sort();
  const given = answer.map(day);
  return verdict(exercise, JSON.stringify(given) === JSON.stringify(expected), {
    pass: `${expected.join(', ') || 'none'}: the dates after the batch watermark`,
    fail: `not the dates whose rows have source = 'realtime' (${given.length} given, sorted: ${JSON.stringify([...given].sort()) === JSON.stringify(given)})`,
  });
}

/**
 * Notebook 04, exercise 2: the device with the highest criticality_score on the newest date served (any of
 * them on a tie).
 * @example checkMostCriticalToday('device_2', { rows: unified.rows });
 */
export function checkMostCriticalToday(
  answer: string | undefined,
  context: { rows: readonly Row[] },
): ExerciseCheck {
  const exercise = '04.2 the most critical device on the newest date';
  if (answer === undefined) return notAnswered(exercise, 'a device id');
  const newest = context.rows
    .map((r) => day(r.date))
    .sort()
    .at(-1);
  const today = context.rows.filter((r) => day(r.date) === newest);
  const top = Math.max(...today.map((r) => Number(r.criticality_score ?? 0)));
  const leaders = today
    .filter((r) => Number(r.criticality_score ?? 0) === top)
    .map((r) => String(r.device_id));
  const mine = today.find((r) => r.device_id === answer);
  return verdict(exercise, leaders.includes(answer), {
    pass: `${answer}: criticality_score ${top} on ${newest}`,
    fail:
      mine === undefined
        ? `${answer} has no row on ${newest}, the newest date`
        : `${answer} scores ${Number(mine.criticality_score ?? 0)} on ${newest}; another device scores higher`,
  });
}
