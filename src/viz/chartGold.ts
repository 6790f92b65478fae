import { compareDeviceIds } from '../schema/deviceOrder.js';
import type { ChartSpec } from './render.js';

export interface RiskHeatmapInput {
  /** Gold rows with device_id, a date column and a 0–1 value column (default: gold_failure_predictions'). */
  predictions: readonly Record<string, unknown>[];
  /** Failures to mark in their device-day cell: device_id and date (YYYY-MM-DD). */
  failures?: readonly { device_id: string; date: string }[];
  /** The date column. Default prediction_date. */
  dateField?: string;
  /** The 0–1 value shown. Default failure_risk_score. */
  valueField?: string;
  /** Darker for low values (a health score) instead of high ones (a risk). Default false. */
  lowIsBad?: boolean;
  title?: string;
}

/**
 * A 0–1 Gold value per device and day as a heat map (by default failure_risk_score: 0 pale, 1 dark red), with
 * failures as crosses: does the risk rise, or the health fall, in the days before a device fails?
 * @example chartRiskHeatmap({ predictions: await readTable(catalog, ctx, 'main', 'iot.gold_failure_predictions'), failures })
 */
export function chartRiskHeatmap(input: RiskHeatmapInput): ChartSpec {
  const dateField = input.dateField ?? 'prediction_date';
  const valueField = input.valueField ?? 'failure_risk_score';
  const cells = input.predictions.map((p) => ({
    device: String(p.device_id),
    day: String(p[dateField]),
    risk: Number(p[valueField]),
  }));
  const devices = [...new Set(cells.map((c) => c.device))].sort(compareDeviceIds);
  const days = [...new Set(cells.map((c) => c.day))].sort();
  const x = {
    field: 'day',
    type: 'ordinal' as const,
    scale: { domain: days },
    axis: { title: 'prediction date (UTC)', labelAngle: -45, labelAlign: 'right' as const },
  };
  const y = { field: 'device', type: 'ordinal' as const, scale: { domain: devices }, axis: { title: null } };
  const failures = (input.failures ?? []).filter(
    (f) => days.includes(f.date) && devices.includes(f.device_id),
  );
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: {
      text: input.title ?? `${valueField} per device and day`,
      subtitle: `colour: ${valueField} (0–1${input.lowIsBad ? ', darker = worse' : ''}); ×: a failure that day`,
      anchor: 'start',
    },
    width: { step: 26 },
    height: { step: 15 },
    layer: [
      {
        data: { values: cells },
        mark: { type: 'rect', stroke: 'white', strokeWidth: 0.5 },
        encoding: {
          x,
          y,
          color: {
            field: 'risk',
            type: 'quantitative',
            scale: { domain: [0, 1], scheme: 'orangered', reverse: input.lowIsBad === true },
            legend: { title: valueField.replaceAll('_', ' '), format: '.1f' },
          },
          tooltip: [
            { field: 'device', type: 'nominal' },
            { field: 'day', type: 'ordinal' },
            { field: 'risk', type: 'quantitative', format: '.2f' },
          ],
        },
      },
      {
        data: { values: failures.map((f) => ({ device: f.device_id, day: f.date })) },
        mark: {
          type: 'point',
          shape: 'M-0.8,-0.8L0.8,0.8M-0.8,0.8L0.8,-0.8',
          size: 60,
          strokeWidth: 2,
          color: '#1f1f1f',
        },
        encoding: { x, y },
      },
    ],
  };
}

/**
 * The ROC curve of failure_risk_score (true-positive rate against false-positive rate over every
 * threshold) with the chance diagonal; the title gives the AUC.
 * @example chartRocCurve(result.quality)
 */
export function chartRocCurve(quality: {
  roc: readonly { fpr: number; tpr: number; threshold: number }[];
  rocAuc: number | null;
  horizonDays: number;
  predictions: number;
  positives: number;
}): ChartSpec {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: {
      text: `How well failure_risk_score ranks failures: ROC AUC ${quality.rocAuc === null ? 'n/a' : quality.rocAuc.toFixed(2)}`,
      subtitle: `${quality.predictions} device-days, ${quality.positives} followed by a failure within ${quality.horizonDays} days; dashed: chance`,
      anchor: 'start',
    },
    width: 320,
    height: 320,
    layer: [
      {
        data: {
          values: [
            { x: 0, y: 0 },
            { x: 1, y: 1 },
          ],
        },
        mark: { type: 'line', strokeDash: [4, 4], color: '#999' },
        encoding: { x: { field: 'x', type: 'quantitative' }, y: { field: 'y', type: 'quantitative' } },
      },
      {
        data: {
          values: quality.roc.map((p) => ({
            ...p,
            threshold: Number.isFinite(p.threshold) ? p.threshold : null,
          })),
        },
        mark: { type: 'line', point: { color: '#d62728' }, color: '#d62728' },
        encoding: {
          x: { field: 'fpr', type: 'quantitative', title: 'false-positive rate', scale: { domain: [0, 1] } },
          y: {
            field: 'tpr',
            type: 'quantitative',
            title: 'true-positive rate (recall)',
            scale: { domain: [0, 1] },
          },
          order: { field: 'fpr', type: 'quantitative' },
          tooltip: [
            { field: 'threshold', type: 'quantitative', format: '.2f' },
            { field: 'fpr', type: 'quantitative', format: '.2f' },
            { field: 'tpr', type: 'quantitative', format: '.2f' },
          ],
        },
      },
    ],
  };
}
