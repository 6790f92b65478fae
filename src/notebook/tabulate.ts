import type { GroupLag, TopicSummary } from '../bus/lag.js';
import type { LogRecord } from '../bus/port.js';
import type { PrecursorReport } from '../speed/precursors.js';
import { formatUtc } from '../time/utcTime.js';
import { formatPercent } from '../util/format.js';

const HEADER_FIELDS = new Set(['device_id', 'timestamp', 'event_timestamp']);

function valueColumns(text: string, maxChars: number): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(text);
    if (value && typeof value === 'object' && !Array.isArray(value)) {
      const scalars = Object.entries(value).filter(
        ([field, v]) => !HEADER_FIELDS.has(field) && (v === null || typeof v !== 'object'),
      );
      return Object.fromEntries(scalars);
    }
  } catch {
    // not JSON: shown as text below
  }
  return { value: text.length > maxChars ? `${text.slice(0, maxChars - 1)}…` : text };
}

/**
 * Consumed records as table rows: where each sits in the log, its key and event time, then the fields of
 * its JSON value (or the value as text, cut to `maxValueChars`, default 120).
 * @example displayTable(tabulateRecords(await consumer.poll({ maxRecords: 5 })));
 */
export function tabulateRecords(
  records: readonly LogRecord[],
  options: { maxValueChars?: number } = {},
): Record<string, unknown>[] {
  return records.map((r) => ({
    partition: r.partition,
    offset: r.offset,
    key: r.key,
    event_time: formatUtc(r.timestamp),
    ...valueColumns(r.value.toString('utf8'), options.maxValueChars ?? 120),
  }));
}

/**
 * Topics as table rows: partitions, messages (sum of end offsets) and each group's lag.
 * @example displayTable(tabulateTopics(await describeTopics(log)));
 */
export function tabulateTopics(topics: readonly TopicSummary[]) {
  return topics.map((t) => ({
    topic: t.topic,
    partitions: t.partitions.length,
    messages: t.partitions.reduce((sum, p) => sum + p.endOffset, 0),
    groups: t.groups.length === 0 ? '(none)' : t.groups.map((g) => `${g.group}: lag ${g.lag}`).join(', '),
  }));
}

/**
 * A group's lag per partition before and after it consumed and committed, plus a total row.
 * @example displayTable(tabulateGroupLag(before, after));
 */
export function tabulateGroupLag(before: GroupLag, after: GroupLag) {
  const rows = after.partitions.map((p) => {
    const b = before.partitions.find((q) => q.partition === p.partition);
    return {
      partition: `p${p.partition}`,
      end_offset: p.endOffset,
      committed_before: b?.committed ?? null,
      committed_after: p.committed,
      lag_before: b?.lag ?? null,
      lag_after: p.lag,
    };
  });
  rows.push({
    partition: 'total',
    end_offset: after.partitions.reduce((s, p) => s + p.endOffset, 0),
    committed_before: null,
    committed_after: null,
    lag_before: before.lag,
    lag_after: after.lag,
  });
  return rows;
}

/**
 * The precursor report as table rows with shares as percentages.
 * @example displayTable(tabulatePrecursors(summary.precursors));
 */
export function tabulatePrecursors(report: PrecursorReport) {
  return report.rows.map((r) => ({
    metric: r.metric,
    failures_preceded: r.failuresPreceded,
    share_of_failures: formatPercent(r.shareOfFailures, null),
    share_of_random_windows: formatPercent(r.baseRate, null),
    lift: r.lift === null ? null : Math.round(r.lift * 100) / 100,
  }));
}

/**
 * One sentence that reads the 'any' row of a precursor report.
 * @example describeLift(report); // "11 of 15 failures (73.3 %) had an excursion in the 24 h before, …"
 */
export function describeLift(report: PrecursorReport): string {
  const any = report.rows.find((r) => r.metric === 'any');
  const hours = Math.round(report.horizonMs / 3_600_000);
  if (!any || any.shareOfFailures === null) return 'No failures, so no lift: nothing to compare.';
  const base =
    any.baseRate === null
      ? 'no random windows to compare with'
      : `${formatPercent(any.baseRate, null)} of random ${hours} h windows`;
  const lift =
    any.lift === null
      ? 'no finite lift'
      : any.lift > 1
        ? `a lift of ${any.lift.toFixed(2)}: a ${hours} h window with an excursion is ${any.lift.toFixed(1)}× as likely as a random one to end in a failure`
        : `a lift of ${any.lift.toFixed(2)}: excursions do not announce failures here`;
  return `${any.failuresPreceded} of ${report.failures} failures (${formatPercent(any.shareOfFailures, null)}) had an excursion in the ${hours} h before, vs ${base}; ${lift}.`;
}
