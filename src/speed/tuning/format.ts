import { formatCount, formatPercent } from '../../util/format.js';
import type { Rule, RuleSet } from '../ruleSet.js';
import type { PrecursorSourceReport } from './precursorReport.js';
import type { SweepResult, SweepRow } from './sweep.js';
import { countDecimals } from './thresholdRange.js';

const fixed = (x: number | null, digits: number) => (x === null ? 'n/a' : x.toFixed(digits));

/** Lays out rows of cells: the first column left-aligned, the others right-aligned, the last left-aligned. */
function alignColumns(rows: string[][]): string[] {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  return rows.map((r) =>
    r
      .map((cell, c) =>
        c === r.length - 1 ? cell : c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!),
      )
      .join('  ')
      .trimEnd(),
  );
}

function markRow(row: SweepRow): string {
  const marks = [
    row.recommended ? '◀ recommended' : '',
    row.reference ? 'reference' : '',
    row.within_budget ? '' : 'over budget',
  ];
  return marks.filter(Boolean).join(', ');
}

/**
 * The sweep as an aligned table, one line per threshold, the recommended row marked.
 * @example process.stdout.write(formatSweepTable(result));
 */
export function formatSweepTable(result: SweepResult): string {
  const op = result.direction === 'above' ? '>' : '<';
  const header = [
    `${result.metric} ${op}`,
    'alerts',
    'per device-day',
    '95 % bound',
    'precision',
    'recall',
    'median lead',
    'caught',
    '',
  ];
  const decimals = Math.max(0, ...result.rows.map((r) => countDecimals(r.threshold)));
  const rows = result.rows.map((r) => [
    r.threshold.toFixed(decimals),
    formatCount(r.alerts),
    fixed(r.alerts_per_device_day, 3),
    fixed(r.alerts_per_device_day_upper, 3),
    formatPercent(r.precision),
    formatPercent(r.recall),
    r.median_lead_time_h === null ? 'n/a' : `${r.median_lead_time_h.toFixed(1)} h`,
    `${r.failures_caught}/${r.failures}`,
    markRow(r),
  ]);
  return `${alignColumns([header, ...rows]).join('\n')}\n`;
}

function describeBudget(result: SweepResult): string {
  if (result.budget_source === 'reference') {
    return `budget: no more alerts than the reference (${fixed(result.budget, 3)} per device-day)`;
  }
  if (result.budget_source === 'option') {
    return `budget: ${result.budget} alerts per device-day (95 % upper bound)`;
  }
  return 'no budget (the reference threshold is not in the range)';
}

/**
 * One line saying what to do: the recommended threshold against the reference, or why there is none.
 * @example describeRecommendation(result); // "Recommended: vibration > 3.5 (reference 3): recall 38.8 % vs …"
 */
export function describeRecommendation(result: SweepResult): string {
  const op = result.direction === 'above' ? '>' : '<';
  const { recommended: rec, reference: ref } = result;
  if (rec === null) {
    const lowest = result.rows.reduce((best, r) =>
      (r.alerts_per_device_day_upper ?? 0) < (best.alerts_per_device_day_upper ?? 0) ? r : best,
    );
    return (
      `No threshold in the range stays within the ${describeBudget(result)}; the lowest 95 % bound is ` +
      `${fixed(lowest.alerts_per_device_day_upper, 3)} at ${result.metric} ${op} ${lowest.threshold}. Widen the range or raise --budget.`
    );
  }
  const subject = `${result.metric} ${op} ${rec.threshold}`;
  if (ref === null) {
    return (
      `Recommended: ${subject}: recall ${formatPercent(rec.recall)}, ${fixed(rec.alerts_per_device_day, 3)} alerts per device-day, ` +
      `precision ${formatPercent(rec.precision)}; ${describeBudget(result)}.`
    );
  }
  const head =
    rec === ref ? `Keep ${subject} (the reference)` : `Recommended: ${subject} (reference ${ref.threshold})`;
  const versus = (a: string, b: string) => (rec === ref ? a : `${a} vs ${b}`);
  return (
    `${head}: recall ${versus(formatPercent(rec.recall), formatPercent(ref.recall))}, ` +
    `${versus(fixed(rec.alerts_per_device_day, 3), fixed(ref.alerts_per_device_day, 3))} alerts per device-day, ` +
    `precision ${versus(formatPercent(rec.precision), formatPercent(ref.precision))}, median lead ` +
    `${versus(fixed(rec.median_lead_time_h, 1), fixed(ref.median_lead_time_h, 1))} h; ${describeBudget(result)}.`
  );
}

function describeCondition(rule: Rule): string {
  switch (rule.kind) {
    case 'threshold': {
      const op = rule.direction === 'above' ? '>' : '<';
      const more = rule.escalations.map((e) => `, ${e.severity} ${op} ${e.beyond}`).join('');
      return `${rule.metric} ${op} ${rule.threshold}  ${rule.severity}${more}`;
    }
    case 'sustained': {
      const op = rule.direction === 'above' ? '>' : '<';
      return `${rule.metric} ${op} ${rule.threshold} for ${rule.readings} readings  ${rule.severity}`;
    }
    case 'spike':
      return `${rule.metric} ${rule.change} > ${rule.max_delta} within ${rule.max_gap_ms / 60_000} min  ${rule.severity}`;
  }
}

/**
 * A rule set for people: one line per rule, then the auto-confirm policy.
 * @example process.stdout.write(formatRuleSet(referenceRules()));
 */
export function formatRuleSet(rules: RuleSet): string {
  const lines = [`rule set ${rules.name}, version ${rules.version}: ${rules.rules.length} rule(s)`];
  const width = Math.max(...rules.rules.map((r) => r.anomaly_type.length));
  for (const rule of rules.rules)
    lines.push(`  ${rule.anomaly_type.padEnd(width)}  ${rule.kind.padEnd(9)}  ${describeCondition(rule)}`);
  const ac = rules.auto_confirm;
  lines.push(
    ac === null
      ? 'auto-confirm: off'
      : `auto-confirm: ${ac.count} of one type within ${ac.window_ms / 60_000} min → confirmed by ${ac.confirmed_by}, ` +
          `description + ${JSON.stringify(ac.description_suffix)}`,
  );
  return `${lines.join('\n')}\n`;
}

/**
 * The precursor report for people: a header, then one sentence per metric.
 * @example process.stdout.write(formatPrecursorReport(report));
 */
export function formatPrecursorReport(report: PrecursorSourceReport): string {
  const hours = report.horizonMs / 3_600_000;
  const lines = [
    `${report.failures} failures on ${report.source}; excursions in the ${hours} h before each failure, ` +
      `vs ${formatCount(report.windows)} random ${hours} h device windows:`,
    ...report.rows.map((r) => `  ${r.sentence}`),
  ];
  return `${lines.join('\n')}\n`;
}
