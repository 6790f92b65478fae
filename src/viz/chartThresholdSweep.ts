import { InvalidArgumentError } from '../errors.js';
import type { Metric } from '../schema/telemetry.js';
import type { ChartSpec } from './render.js';
import { METRIC_UNITS } from './units.js';

/** The part of a sweep row the chart draws (a SweepRow fits). */
export interface ThresholdSweepPoint {
  threshold: number;
  /** Share of alerts followed by a failure within the horizon, 0..1; null without alerts. */
  precision: number | null;
  /** Share of failures preceded by an alert within the horizon, 0..1; null without failures. */
  recall: number | null;
  alerts_per_device_day: number | null;
  /** One-sided 95 % upper bound of the alert rate. */
  alerts_per_device_day_upper: number | null;
}

export interface ThresholdSweepChartOptions {
  /** The metric whose threshold was swept (names the x axis and its unit). */
  metric: Metric;
  /** The threshold in use now: a dashed grey rule. Default none. */
  reference?: number | null;
  /** The recommended threshold: a solid green rule. Default none. */
  recommended?: number | null;
  /** Alert budget in alerts per device-day: a dashed red line on the alert panel. Default none. */
  budget?: number | null;
  /** Label of the budget line. Default "budget N per device-day". */
  budgetLabel?: string;
  /** Horizon of the scores in hours, for the subtitle. Default 24. */
  horizonH?: number;
  /** Default "<Metric> threshold sweep: precision, recall and alert rate". */
  title?: string;
  /** Panel width in pixels. Default 600. */
  width?: number;
}

const COLORS = {
  precision: '#4c78a8',
  recall: '#f58518',
  rate: '#7b4ea3',
  upper: '#d4c4e6',
  reference: '#6b6b6b',
  recommended: '#2ca02c',
  budget: '#d62728',
};

const RATE = 'alerts per device-day';
const UPPER = '95 % upper bound';

/** Digits after the decimal point of a threshold as JavaScript writes it (3.25 → 2). */
function decimalsOf(x: number): number {
  return String(x).split('.')[1]?.length ?? 0;
}

/** One layer of a layered Vega-Lite chart. */
type Layer = Extract<ChartSpec, { layer: unknown[] }>['layer'][number];

/**
 * Vertical rules (and, on the top panel, labels) at the reference and recommended thresholds, labelled with
 * the thresholds as written (28, 28.5). The lower threshold's label goes left of its rule and the higher
 * one's right, so neighbours do not overprint, unless that would push a label out of the panel; two labels
 * on the same side go on two lines.
 */
function markerLayers(
  options: ThresholdSweepChartOptions,
  x: { scale: { domain: number[] } },
  withLabels: boolean,
): Layer[] {
  const ref = options.reference ?? null;
  const rec = options.recommended ?? null;
  const markers: { threshold: number; label: string; color: string; dash: number[] }[] = [];
  if (ref !== null && rec !== null && ref === rec) {
    markers.push({
      threshold: ref,
      label: `reference = recommended ${ref}`,
      color: COLORS.recommended,
      dash: [],
    });
  } else {
    if (ref !== null)
      markers.push({ threshold: ref, label: `reference ${ref}`, color: COLORS.reference, dash: [6, 4] });
    if (rec !== null)
      markers.push({ threshold: rec, label: `recommended ${rec}`, color: COLORS.recommended, dash: [] });
  }
  markers.sort((a, b) => a.threshold - b.threshold);
  const [lo, hi] = x.scale.domain as [number, number];
  const sides = markers.map((m, i) => {
    const at = (m.threshold - lo) / (hi - lo || 1);
    if (at < 0.25) return 1;
    if (at > 0.75) return -1;
    return markers.length > 1 && i === 0 ? -1 : 1;
  });
  const lines = sides.map((side, i) => (i > 0 && sides[i - 1] === side ? 1 : 0));
  return markers.flatMap((m, i) => {
    const side = sides[i]!;
    const rule: Layer = {
      data: { values: [{ threshold: m.threshold }] },
      mark: { type: 'rule', color: m.color, strokeWidth: 2, strokeDash: m.dash },
      encoding: { x: { ...x, field: 'threshold' } },
    };
    if (!withLabels) return [rule];
    const label: Layer = {
      data: { values: [{ threshold: m.threshold, label: m.label }] },
      mark: {
        type: 'text',
        align: side < 0 ? 'right' : 'left',
        baseline: 'top',
        dx: side * 5,
        dy: 4 + 15 * lines[i]!,
        color: m.color,
        fontSize: 11,
        fontWeight: 'bold',
      },
      encoding: { x: { ...x, field: 'threshold' }, y: { value: 0 }, text: { field: 'label' } },
    };
    return [rule, label];
  });
}

/**
 * A threshold sweep as two panels over the threshold: precision and recall (%) on top, alerts per
 * device-day with its 95 % upper bound (shaded) below; the reference threshold as a dashed grey rule, the
 * recommended one as a solid green rule, and the alert budget, if given, as a dashed red line.
 * @example chartThresholdSweep(result.rows, { metric: 'vibration', reference: result.reference_threshold, recommended: result.recommended?.threshold })
 * @example chartThresholdSweep(rows, { metric: 'temperature', reference: 28, recommended: 29.25, budget: 0.2 })
 */
export function chartThresholdSweep(
  rows: readonly ThresholdSweepPoint[],
  options: ThresholdSweepChartOptions,
): ChartSpec {
  if (rows.length === 0) throw new InvalidArgumentError('chart sweep rows: expected at least one threshold');
  const thresholds = rows.map((r) => r.threshold);
  const decimals = Math.max(...thresholds.map(decimalsOf));
  const name = options.metric.replace(/_/g, ' ');
  const unit = METRIC_UNITS[options.metric];
  const width = options.width ?? 600;
  const horizonH = options.horizonH ?? 24;
  const lo = Math.min(...thresholds);
  const hi = Math.max(...thresholds);
  const pad = hi > lo ? (hi - lo) * 0.02 : 0.5;
  const x = {
    type: 'quantitative' as const,
    scale: { domain: [lo - pad, hi + pad], zero: false, nice: false },
  };
  // At most the thresholds' decimals, trailing zeros dropped (26, 26.5 rather than 26.00, 26.50).
  const xAxis = { title: `${name} threshold (${unit})`, format: `.${decimals}~f`, labelFlush: false };

  const shares = rows.flatMap((r) => [
    ...(r.precision === null
      ? []
      : [{ threshold: r.threshold, measure: 'precision', share: r.precision * 100 }]),
    ...(r.recall === null ? [] : [{ threshold: r.threshold, measure: 'recall', share: r.recall * 100 }]),
  ]);
  const rates = rows
    .filter((r) => r.alerts_per_device_day !== null)
    .map((r) => ({
      threshold: r.threshold,
      rate: r.alerts_per_device_day,
      upper: r.alerts_per_device_day_upper ?? r.alerts_per_device_day,
    }));

  const shareLayers: Layer[] = [
    {
      data: { values: shares },
      mark: { type: 'line', strokeWidth: 2, point: { size: 30 } },
      encoding: {
        x: { ...x, field: 'threshold', axis: { ...xAxis, title: null } },
        y: {
          field: 'share',
          type: 'quantitative',
          scale: { domain: [0, 100] },
          axis: { title: 'share (%)', tickCount: 5 },
        },
        color: {
          field: 'measure',
          type: 'nominal',
          scale: { domain: ['precision', 'recall'], range: [COLORS.precision, COLORS.recall] },
          legend: { title: null, orient: 'right' },
        },
      },
    },
    ...markerLayers(options, x, true),
  ];

  const budget = options.budget ?? null;
  const budgetLayers: Layer[] =
    budget === null
      ? []
      : [
          {
            data: { values: [{ budget }] },
            mark: { type: 'rule', color: COLORS.budget, strokeDash: [4, 3], strokeWidth: 1.5 },
            encoding: { y: { field: 'budget', type: 'quantitative' } },
          },
          {
            data: {
              values: [{ budget, label: options.budgetLabel ?? `budget ${budget} per device-day` }],
            },
            mark: {
              type: 'text',
              align: 'right',
              baseline: 'bottom',
              dy: -3,
              color: COLORS.budget,
              fontSize: 11,
            },
            encoding: {
              x: { value: width - 4 },
              y: { field: 'budget', type: 'quantitative' },
              text: { field: 'label' },
            },
          },
        ];
  const colorOfRate = {
    scale: { domain: [RATE, UPPER], range: [COLORS.rate, COLORS.upper] },
    legend: { title: null, orient: 'right', symbolType: 'square', labelLimit: 200 },
  };
  const rateLayers: Layer[] = [
    {
      data: { values: rates },
      mark: { type: 'area', opacity: 0.7 },
      encoding: {
        x: { ...x, field: 'threshold', axis: xAxis },
        y: { field: 'upper', type: 'quantitative' },
        y2: { field: 'rate' },
        color: { datum: UPPER, ...colorOfRate },
      },
    },
    {
      data: { values: rates },
      mark: { type: 'line', strokeWidth: 2, point: { size: 30 } },
      encoding: {
        x: { ...x, field: 'threshold', axis: xAxis },
        y: { field: 'rate', type: 'quantitative', axis: { title: RATE, tickCount: 5 } },
        color: { datum: RATE, ...colorOfRate },
      },
    },
    ...budgetLayers,
    ...markerLayers(options, x, false),
  ];

  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: {
      text:
        options.title ??
        `${name[0]!.toUpperCase()}${name.slice(1)} threshold sweep: precision, recall and alert rate`,
      subtitle: [
        `precision: alerts followed by a failure within ${horizonH} h; recall: failures with an alert in the ${horizonH} h before`,
        'an alert is the first anomaly of a device after an hour without one',
      ],
      anchor: 'start',
    },
    vconcat: [
      { width, height: 190, layer: shareLayers },
      { width, height: 150, layer: rateLayers },
    ],
    spacing: 14,
    resolve: { scale: { color: 'independent' }, legend: { color: 'independent' } },
    config: { view: { stroke: '#ddd' }, axis: { labelFontSize: 11, titleFontSize: 12 } },
  };
}
