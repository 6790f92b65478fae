import { SEVERITIES } from '../schema/severity.js';
import type { AnomalySummary } from '../speed/anomalySummary.js';
import type { Rule, RuleSet } from '../speed/ruleSet.js';
import type { StreamStats } from '../speed/streamProcessor.js';
import type { BacktestResult, BacktestScore } from '../speed/tuning/score.js';
import { recommendRow, type SweepResult } from '../speed/tuning/sweep.js';
import { formatPercent } from '../util/format.js';
import { METRIC_UNITS } from '../viz/units.js';

const round = (x: number | null, digits: number) =>
  x === null ? null : Math.round(x * 10 ** digits) / 10 ** digits;

function describeCondition(rule: Rule): string {
  const unit = METRIC_UNITS[rule.metric];
  switch (rule.kind) {
    case 'threshold':
      return `${rule.metric} ${rule.direction === 'above' ? '>' : '<'} ${rule.threshold} ${unit}`;
    case 'sustained':
      return `${rule.metric} ${rule.direction === 'above' ? '>' : '<'} ${rule.threshold} ${unit} for ${rule.readings} readings in a row`;
    case 'spike':
      return `${rule.metric} ${rule.change === 'either' ? 'changes' : rule.change === 'rise' ? 'rises' : 'falls'} by > ${rule.max_delta} ${unit} since the previous reading`;
  }
}

function describeSeverity(rule: Rule): string {
  if (rule.kind !== 'threshold' || rule.escalations.length === 0) return rule.severity;
  const op = rule.direction === 'above' ? '>' : '<';
  const unit = METRIC_UNITS[rule.metric];
  return [rule.severity, ...rule.escalations.map((e) => `${e.severity} ${op} ${e.beyond} ${unit}`)].join(
    '; ',
  );
}

/**
 * A rule set as table rows: what each rule raises, when, and how severe; the auto-confirm policy is the
 * last row.
 * @example displayTable(tabulateRuleSet(referenceRules()), { title: 'reference@1' });
 */
export function tabulateRuleSet(rules: RuleSet) {
  const rows = rules.rules.map((rule) => ({
    anomaly_type: rule.anomaly_type,
    kind: rule.kind as string,
    condition: describeCondition(rule),
    severity: describeSeverity(rule),
  }));
  const ac = rules.auto_confirm;
  rows.push({
    anomaly_type: '(any)',
    kind: 'auto-confirm',
    condition:
      ac === null
        ? 'off'
        : `${ac.count} anomalies of one type on one device within ${ac.window_ms / 60_000} min`,
    severity: ac === null ? '–' : `unchanged; the latest is confirmed by ${ac.confirmed_by}`,
  });
  return rows;
}

/**
 * An anomaly summary as a type × severity table, with a total column and a total row.
 * @example displayTable(tabulateAnomalySummary(await summarizeAnomalies(log, topic)));
 */
export function tabulateAnomalySummary(summary: AnomalySummary) {
  const severities = [...SEVERITIES].reverse();
  const row = (type: string, counts: AnomalySummary['bySeverity']) => {
    const cells: Record<string, string | number> = { anomaly_type: type };
    let total = 0;
    for (const s of severities) {
      cells[s] = counts[s] ?? 0;
      total += counts[s] ?? 0;
    }
    cells.total = total;
    return cells;
  };
  const types = Object.keys(summary.byTypeAndSeverity).sort(
    (a, b) => (summary.byType[b] ?? 0) - (summary.byType[a] ?? 0) || a.localeCompare(b),
  );
  return [...types.map((t) => row(t, summary.byTypeAndSeverity[t] ?? {})), row('total', summary.bySeverity)];
}

/**
 * A stream-processor run's counters as one table row.
 * @example displayTable(tabulateStreamStats(stats, 'reference@1'));
 */
export function tabulateStreamStats(stats: StreamStats, rules?: string) {
  return [
    {
      ...(rules === undefined ? {} : { rules }),
      readings_read: stats.read,
      anomalies: stats.anomalies,
      auto_confirmed: stats.confirmed,
      dead_lettered: stats.deadLettered,
      lag_after: stats.lag,
      resumed_from_checkpoint: stats.resumedFromCheckpoint ? 'yes' : 'no',
      seconds: round(stats.elapsedMs / 1000, 1),
    },
  ];
}

function markOf(row: SweepResult['rows'][number]): string {
  const marks = [row.recommended ? '◀ recommended' : '', row.reference ? 'reference' : ''];
  if (!row.within_budget) marks.push('over budget');
  return marks.filter(Boolean).join(', ');
}

/**
 * A threshold sweep as table rows: alerts and their rate (with its 95 % upper bound), precision, recall,
 * median lead time and failures caught per threshold, the reference and the recommendation marked.
 * @example displayTable(tabulateSweep(await sweepThreshold({ source, metric: 'vibration', from: 2, to: 4, step: 0.1, horizonMs: DAY_MS })));
 */
export function tabulateSweep(result: SweepResult) {
  return result.rows.map((r) => ({
    [`${result.metric} ${result.direction === 'above' ? '>' : '<'}`]: r.threshold,
    alerts: r.alerts,
    per_device_day: round(r.alerts_per_device_day, 3),
    upper_95: round(r.alerts_per_device_day_upper, 3),
    precision: formatPercent(r.precision, null),
    recall: formatPercent(r.recall, null),
    median_lead_h: round(r.median_lead_time_h, 1),
    caught: `${r.failures_caught}/${r.failures}`,
    note: markOf(r),
  }));
}

/**
 * What a sweep would recommend under each alert budget (alerts per device-day whose 95 % upper bound must
 * stay within it, as `rules tune --budget` does), without sweeping again: the same rows, another choice.
 * @example displayTable(tabulateBudgets(result, [0.2, 0.15, 0.1]));
 */
export function tabulateBudgets(result: SweepResult, budgets: readonly number[]) {
  return budgets.map((budget) => {
    const index = recommendRow(result.rows, { kind: 'rate', perDeviceDay: budget });
    const r = index === null ? null : result.rows[index]!;
    return {
      budget_per_device_day: budget,
      threshold: r?.threshold ?? null,
      per_device_day: r === null ? null : round(r.alerts_per_device_day, 3),
      upper_95: r === null ? null : round(r.alerts_per_device_day_upper, 3),
      precision: r === null ? null : formatPercent(r.precision, null),
      recall: r === null ? null : formatPercent(r.recall, null),
      caught: r === null ? 'no threshold fits' : `${r.failures_caught}/${r.failures}`,
    };
  });
}

function scoreRow(rules: string, anomalyType: string, s: BacktestScore) {
  return {
    anomaly_type: anomalyType,
    rules,
    alerts: s.alerts,
    per_device_day: round(s.alerts_per_device_day, 3),
    precision: formatPercent(s.precision, null),
    recall: formatPercent(s.recall, null),
    caught: `${s.failures_caught}/${s.failures}`,
    median_lead_h: round(s.median_lead_time_h, 1),
  };
}

/**
 * Backtests of several rule sets on the same history side by side: per anomaly type, then all alerts
 * together ("all"), one row per rule set.
 * @example displayTable(tabulateBacktests({ reference: await backtestRules(h, referenceRules(), o), tuned: await backtestRules(h, tuned, o) }));
 */
export function tabulateBacktests(results: Record<string, BacktestResult>) {
  const labels = Object.keys(results);
  const types = [...new Set(labels.flatMap((l) => Object.keys(results[l]!.byType)))];
  return [
    ...types.flatMap((type) =>
      labels.flatMap((l) => {
        const score = results[l]!.byType[type];
        return score === undefined ? [] : [scoreRow(l, type, score)];
      }),
    ),
    ...labels.map((l) => scoreRow(l, 'all', results[l]!.score)),
  ];
}

/**
 * Anomaly counts of several anomalies topics side by side (e.g. the reference and a tuned deployment): one
 * row per anomaly type, one column per summary, then the auto-confirmed and total rows.
 * @example displayTable(tabulateAnomalyCounts({ 'reference@1': await summarizeAnomalies(log, a), 'tuned@1': await summarizeAnomalies(log, b) }));
 */
export function tabulateAnomalyCounts(summaries: Record<string, AnomalySummary>) {
  const labels = Object.keys(summaries);
  const types = [...new Set(labels.flatMap((l) => Object.keys(summaries[l]!.byType)))].sort(
    (a, b) => (summaries[labels[0]!]!.byType[b] ?? 0) - (summaries[labels[0]!]!.byType[a] ?? 0),
  );
  const row = (name: string, count: (s: AnomalySummary) => number) => {
    const cells: Record<string, string | number> = { anomaly_type: name };
    for (const l of labels) cells[l] = count(summaries[l]!);
    return cells;
  };
  return [
    ...types.map((t) => row(t, (s) => s.byType[t] ?? 0)),
    row('auto-confirmed (of all types)', (s) => s.confirmed),
    row('total', (s) => s.anomalies),
  ];
}
