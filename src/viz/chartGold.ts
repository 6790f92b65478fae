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
  /** One sentence under the legend line saying what the chart shows (e.g. what the reader should notice). */
  note?: string;
}

/** The colour domain: the values' own range (a 0.05 span at least), so small differences still show. */
export function fittedDomain(values: readonly number[]): [number, number] {
  const finite = values.filter(Number.isFinite);
  if (finite.length === 0) return [0, 1];
  let lo = Math.min(...finite);
  let hi = Math.max(...finite);
  if (hi - lo < 0.05) {
    const mid = (lo + hi) / 2;
    [lo, hi] = [mid - 0.025, mid + 0.025];
  }
  return [lo, hi];
}

/** A × drawn as a path (point mark shape), scaled by the mark's size. */
const CROSS = 'M-0.8,-0.8L0.8,0.8M-0.8,0.8L0.8,-0.8';

/**
 * A 0–1 Gold value per device and day as a heat map (by default failure_risk_score: pale low, dark red
 * high), its colours spread over the values' own range, with failures as crosses (dark on a white halo,
 * visible on every colour): does the risk rise, or the health fall, before a device fails, or only on the day?
 * @example chartRiskHeatmap({ predictions: await readTable(catalog, ctx, 'main', 'iot.gold_failure_predictions'), failures })
 */
export function chartRiskHeatmap(input: RiskHeatmapInput): ChartSpec {
  const dateField = input.dateField ?? 'prediction_date';
  const valueField = input.valueField ?? 'failure_risk_score';
  const cells = input.predictions.map((p) => ({
    device: String(p.device_id),
    day: String(p[dateField]),
    value: Number(p[valueField]),
  }));
  const devices = [...new Set(cells.map((c) => c.device))].sort(compareDeviceIds);
  const days = [...new Set(cells.map((c) => c.day))].sort();
  const domain = fittedDomain(cells.map((c) => c.value));
  const x = {
    field: 'day',
    type: 'ordinal' as const,
    scale: { domain: days },
    axis: { title: `${dateField.replaceAll('_', ' ')} (UTC)`, labelAngle: -45, labelAlign: 'right' as const },
  };
  const y = {
    field: 'device',
    type: 'ordinal' as const,
    scale: { domain: devices },
    axis: { title: 'device' },
  };
  const failures = (input.failures ?? []).filter(
    (f) => days.includes(f.date) && devices.includes(f.device_id),
  );
  const cross = (color: string, strokeWidth: number) => ({
    data: { values: failures.map((f) => ({ device: f.device_id, day: f.date })) },
    mark: { type: 'point' as const, shape: CROSS, size: 60, strokeWidth, color, opacity: 1 },
    encoding: { x, y },
  });
  const [lo, hi] = domain.map((v) => v.toFixed(2));
  const legend = `colour: ${valueField}, from ${lo} (${input.lowIsBad ? 'dark' : 'pale'}) to ${hi} (${input.lowIsBad ? 'pale' : 'dark'}), the range of the data; ×: a failure that day`;
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: {
      text: input.title ?? `${valueField} per device and day`,
      subtitle: input.note ? [legend, input.note] : legend,
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
            field: 'value',
            type: 'quantitative',
            scale: { domain, scheme: 'orangered', reverse: input.lowIsBad === true },
            legend: { title: valueField.replaceAll('_', ' '), format: '.2f' },
          },
          tooltip: [
            { field: 'device', type: 'nominal' },
            { field: 'day', type: 'ordinal', title: dateField },
            { field: 'value', type: 'quantitative', format: '.2f', title: valueField },
          ],
        },
      },
      cross('white', 4.5),
      cross('#111111', 2),
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
  /** The failure model's curve on the same device-days (blue), when the predictions carry its score. */
  model?: { rocAuc: number | null; roc: readonly { fpr: number; tpr: number; threshold: number }[] } | null;
}): ChartSpec {
  const auc = (x: number | null) => (x === null ? 'n/a' : x.toFixed(2));
  const model = quality.model && quality.model.roc.length > 0 ? quality.model : undefined;
  const curve = (roc: typeof quality.roc, color: string) => ({
    data: {
      // `step` keeps the curve's own order: at equal fpr (e.g. 1) sorting by fpr alone may draw it backwards
      values: roc.map((p, step) => ({
        ...p,
        step,
        threshold: Number.isFinite(p.threshold) ? p.threshold : null,
      })),
    },
    mark: { type: 'line' as const, point: { color }, color },
    encoding: {
      x: {
        field: 'fpr',
        type: 'quantitative' as const,
        title: 'false-positive rate',
        scale: { domain: [0, 1] },
      },
      y: {
        field: 'tpr',
        type: 'quantitative' as const,
        title: 'true-positive rate (recall)',
        scale: { domain: [0, 1] },
      },
      order: { field: 'step', type: 'quantitative' as const },
      tooltip: [
        { field: 'threshold', type: 'quantitative' as const, format: '.2f' },
        { field: 'fpr', type: 'quantitative' as const, format: '.2f' },
        { field: 'tpr', type: 'quantitative' as const, format: '.2f' },
      ],
    },
  });
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: {
      text: model
        ? `Ranking failures: failure_risk_score (red) AUC ${auc(quality.rocAuc)}, model_risk_score (blue) AUC ${auc(model.rocAuc)}`
        : `How well failure_risk_score ranks failures: ROC AUC ${auc(quality.rocAuc)}`,
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
      curve(quality.roc, '#d62728'),
      ...(model ? [curve(model.roc, '#1f77b4')] : []),
    ],
  };
}

/**
 * Calibration of the two scores (the reference's failure_risk_score and the model's probability): per bin of
 * score, the mean score against the observed share of device-days followed by a failure; on the diagonal a
 * score means what it says.
 * @example await display(chartCalibration(quality));
 */
export function chartCalibration(quality: {
  horizonDays: number;
  calibration: readonly { meanScore: number; observed: number; rows: number }[];
  model?: { calibration: readonly { meanScore: number; observed: number; rows: number }[] } | null;
}): ChartSpec {
  const values = [
    ...quality.calibration.map((b) => ({ ...b, score: 'failure_risk_score (reference)' })),
    ...(quality.model?.calibration ?? []).map((b) => ({ ...b, score: 'model_risk_score (model)' })),
  ];
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: {
      text: 'Calibration: does a score of 0.3 mean a 30 % chance of failure?',
      subtitle: `bins of 0.1; observed: share followed by a failure within ${quality.horizonDays} days; dashed: perfect`,
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
        data: { values },
        mark: { type: 'line', point: true },
        encoding: {
          x: {
            field: 'meanScore',
            type: 'quantitative',
            title: 'mean score in the bin',
            scale: { domain: [0, 1] },
          },
          y: {
            field: 'observed',
            type: 'quantitative',
            title: 'observed failure share',
            scale: { domain: [0, 1] },
          },
          color: {
            field: 'score',
            type: 'nominal',
            title: null,
            scale: { range: ['#d62728', '#1f77b4'] },
            legend: { orient: 'bottom' },
          },
          size: { field: 'rows', type: 'quantitative', title: 'device-days', legend: null },
          tooltip: [
            { field: 'score', type: 'nominal' },
            { field: 'meanScore', type: 'quantitative', format: '.2f' },
            { field: 'observed', type: 'quantitative', format: '.2f' },
            { field: 'rows', type: 'quantitative' },
          ],
        },
      },
    ],
  };
}
