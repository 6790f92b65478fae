import { InvalidArgumentError } from '../errors.js';
import type { Metric, Telemetry } from '../schema/telemetry.js';
import type { ChartSpec } from './render.js';

/** One layer of a layered Vega-Lite chart. */
type ChartLayer = Extract<ChartSpec, { layer: unknown[] }>['layer'][number];

import { describeMetricAxis, METRIC_UNITS } from './units.js';

/** A failure to mark on a timeline (ground-truth failures and failure events both fit). */
export interface TimelineFailure {
  timestamp: string;
  /** When given, only failures of the charted devices are drawn. */
  device_id?: string;
  /** Shown in the label, e.g. "failure (bearing)". */
  component?: string;
}

export interface DeviceTimelineInput {
  /** The device's readings (any order); readings of several devices get one colour each. */
  readings: readonly Telemetry[];
  /** The metric to draw, or several: one panel each, stacked over a shared time axis. */
  metric: Metric | readonly Metric[];
  /** Failures drawn as red vertical rules (other devices' failures are left out). Default none. */
  failures?: readonly TimelineFailure[];
  /** A dashed horizontal line: one value, or values by metric (EXCURSION_THRESHOLDS fits). Default none. */
  threshold?: number | Partial<Record<Metric, number | { value: number }>>;
  /** Default "<device>: <metrics> over time". */
  title?: string;
  /** Default: what the marks mean. */
  subtitle?: string;
  /** Panel width in pixels. Default 640. */
  width?: number;
  /** Panel height in pixels. Default 180. */
  height?: number;
}

/** Layers that draw one mark (a threshold) get one row of their own instead of the readings. */
const ONE_ROW = { values: [{}] };

const NO_ZERO = { zero: false };
const UTC = { type: 'utc' as const };

const COLORS = { reading: '#9ecae9', hourly: '#1f5f99', failure: '#d62728', threshold: '#f58518' };

function thresholdOf(
  input: DeviceTimelineInput,
  metric: Metric,
  metrics: readonly Metric[],
): number | undefined {
  const t = input.threshold;
  if (t === undefined) return undefined;
  if (typeof t === 'number') {
    if (metrics.length > 1)
      throw new InvalidArgumentError('chart threshold: with several metrics give thresholds by metric');
    return t;
  }
  const v = t[metric];
  return typeof v === 'number' ? v : v?.value;
}

function timeSpan(readings: readonly Telemetry[]): { firstMs: number; lastMs: number } {
  let firstMs = Number.POSITIVE_INFINITY;
  let lastMs = Number.NEGATIVE_INFINITY;
  for (const r of readings) {
    const ms = Date.parse(r.timestamp);
    if (ms < firstMs) firstMs = ms;
    if (ms > lastMs) lastMs = ms;
  }
  return { firstMs, lastMs };
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** "failure (bearing), Apr 04 17:38" — the time in UTC, like the axis. */
function formatFailureLabel(f: TimelineFailure): string {
  const d = new Date(Date.parse(f.timestamp));
  const pad = (n: number) => String(n).padStart(2, '0');
  const when = `${MONTHS[d.getUTCMonth()]} ${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;
  return `${f.component ? `failure (${f.component})` : 'failure'}, ${when}`;
}

/**
 * A device's metric(s) over time: each reading as a thin line, the hourly mean as a thick one, failures
 * as red vertical rules (those outside the readings' time span, plus 10 %, are left out) and the threshold as a
 * dashed line. Times are shown in UTC.
 * @example chartDeviceTimeline({ readings, metric: 'temperature', failures: truth.failures, threshold: 28 })
 * @example chartDeviceTimeline({ readings, metric: ['temperature', 'vibration'], threshold: EXCURSION_THRESHOLDS })
 */
export function chartDeviceTimeline(input: DeviceTimelineInput): ChartSpec {
  const metrics: readonly Metric[] = typeof input.metric === 'string' ? [input.metric] : input.metric;
  if (metrics.length === 0) throw new InvalidArgumentError('chart metric: expected at least one metric');
  if (input.readings.length === 0)
    throw new InvalidArgumentError('chart readings: expected at least one reading');
  const devices = [...new Set(input.readings.map((r) => r.device_id))];
  const rows = input.readings.map((r) => {
    const row: Record<string, string | number> = { t: r.timestamp, device: r.device_id };
    for (const m of metrics) row[m] = r[m];
    return row;
  });
  const span = timeSpan(input.readings);
  // A device is silent while broken, so its failure may come just after its last reading.
  const untilMs = span.lastMs + (span.lastMs - span.firstMs) * 0.1;
  const failures = (input.failures ?? [])
    .filter((f) => f.device_id === undefined || devices.includes(f.device_id))
    .filter((f) => Date.parse(f.timestamp) >= span.firstMs && Date.parse(f.timestamp) <= untilMs)
    .map((f) => ({ t: f.timestamp, label: formatFailureLabel(f) }));
  const width = input.width ?? 640;
  const height = input.height ?? 180;
  // The time axis runs a little past the last reading or failure, so a failure rule is not the frame.
  const endMs = Math.max(span.lastMs, ...failures.map((f) => Date.parse(f.t)));
  const domain = [span.firstMs, endMs + (endMs - span.firstMs) * 0.02];
  const x = {
    field: 't',
    type: 'temporal' as const,
    scale: { ...UTC, domain },
    axis: { title: 'time (UTC)', format: '%b %d %H:%M', labelAngle: 0, tickCount: 6 },
  };
  const color =
    devices.length > 1
      ? { color: { field: 'device', type: 'nominal' as const, title: 'device' } }
      : { color: { value: COLORS.reading } };

  const panels = metrics.map((metric, index) => {
    const threshold = thresholdOf(input, metric, metrics);
    const isLast = index === metrics.length - 1;
    const panelX = isLast ? x : { ...x, axis: { ...x.axis, title: null, labels: true } };
    const y = {
      field: metric,
      type: 'quantitative' as const,
      scale: NO_ZERO,
      axis: { title: describeMetricAxis(metric) },
    };
    const layer: ChartLayer[] = [
      { mark: { type: 'line', strokeWidth: 0.8, clip: true }, encoding: { x: panelX, y, ...color } },
      {
        transform: [
          // Names unique per panel: Vega-Lite merges look-alike dataflow nodes across panels.
          { timeUnit: 'utcyearmonthdatehours', field: 't', as: `${metric}_hour` },
          {
            aggregate: [{ op: 'mean', field: metric, as: `${metric}_mean` }],
            groupby: [`${metric}_hour`, 'device'],
          },
          { calculate: `time(datum.${metric}_hour) + 1800000`, as: `${metric}_hour_mid` },
        ],
        mark: { type: 'line', strokeWidth: 2.2, clip: true },
        encoding: {
          x: { ...panelX, field: `${metric}_hour_mid` },
          y: { ...y, field: `${metric}_mean` },
          ...(devices.length > 1
            ? { color: color.color, detail: { field: 'device' } }
            : { color: { value: COLORS.hourly } }),
        },
      },
    ];
    if (threshold !== undefined) {
      layer.push(
        {
          data: ONE_ROW,
          mark: { type: 'rule', strokeDash: [6, 4], strokeWidth: 1.5, color: COLORS.threshold },
          encoding: { y: { datum: threshold, type: 'quantitative', scale: NO_ZERO } },
        },
        {
          data: ONE_ROW,
          mark: {
            type: 'text',
            align: 'left',
            baseline: 'bottom',
            dx: 4,
            dy: -2,
            color: COLORS.threshold,
            fontSize: 11,
          },
          encoding: {
            x: { value: 0 },
            y: { datum: threshold, type: 'quantitative', scale: NO_ZERO },
            text: { value: `threshold ${threshold} ${METRIC_UNITS[metric]}` },
          },
        },
      );
    }
    if (failures.length > 0) {
      layer.push(
        {
          data: { values: failures },
          mark: { type: 'rule', strokeWidth: 2, color: COLORS.failure },
          encoding: { x: { field: 't', type: 'temporal', scale: UTC } },
        },
        {
          data: { values: failures },
          mark: {
            type: 'text',
            align: 'right',
            baseline: 'top',
            dx: -4,
            dy: 4,
            color: COLORS.failure,
            fontSize: 11,
            fontWeight: 'bold',
          },
          encoding: {
            x: { field: 't', type: 'temporal', scale: UTC },
            y: { value: 0 },
            text: { field: 'label' },
          },
        },
      );
    }
    return { width, height, layer };
  });

  const names = metrics.map((m) => m.replace(/_/g, ' ')).join(' and ');
  const subtitle =
    input.subtitle ??
    [
      'thin: every reading; thick: hourly mean',
      failures.length > 0 ? 'red: failure' : undefined,
      metrics.some((m) => thresholdOf(input, m, metrics) !== undefined) ? 'dashed: threshold' : undefined,
    ]
      .filter(Boolean)
      .join('; ');
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: { text: input.title ?? `${devices.join(', ')}: ${names} over time`, subtitle, anchor: 'start' },
    data: { values: rows },
    vconcat: panels,
    spacing: 12,
    config: { view: { stroke: '#ddd' }, axis: { labelFontSize: 11, titleFontSize: 12 } },
  };
}
