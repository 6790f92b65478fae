import { InvalidArgumentError } from '../errors.js';
import type { Anomaly } from '../schema/anomaly.js';
import { compareDeviceIds } from '../schema/deviceOrder.js';
import { DAY_MS } from '../time/utcTime.js';
import type { ChartSpec } from './render.js';

/** A failure to mark (ground-truth failures and failure events both fit). */
export interface HeatmapFailure {
  device_id: string;
  timestamp: string;
}

export interface AnomaliesPerDeviceDayInput {
  /** Anomalies as read from the anomalies topic (any order). */
  anomalies: readonly Pick<Anomaly, 'device_id' | 'timestamp' | 'anomaly_type'>[];
  /** Failures to mark with a cross in their device-day cell. Default none. */
  failures?: readonly HeatmapFailure[];
  /** Count only these anomaly types. Default all. */
  anomalyTypes?: readonly string[];
  /** Devices to show even without anomalies or failures. Default: those that have some. */
  devices?: readonly string[];
  /** First and last UTC day shown (epoch ms inside the day). Default: the span of anomalies and failures. */
  fromMs?: number;
  toMs?: number;
  /** Default "Anomalies per device and day". */
  title?: string;
  /** Cell width and height in pixels. Default 26 × 15. */
  cell?: { width: number; height: number };
}

/** An × as an SVG path in Vega's unit symbol square. */
const X_SHAPE = 'M-0.8,-0.8L0.8,0.8M-0.8,0.8L0.8,-0.8';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** "Apr 03": a UTC day's label. */
function labelDay(day: number): string {
  const d = new Date(day * DAY_MS);
  return `${MONTHS[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2, '0')}`;
}

const dayOf = (timestamp: string) => Math.floor(Date.parse(timestamp) / DAY_MS);

/**
 * Anomalies per device and UTC day as a heat map (a log colour scale: a worn device raises hundreds a day,
 * a healthy one a few), with failures as crosses in their cell: do anomalies pile up on a device in the
 * days before it fails? Empty cells had no anomaly.
 * @example chartAnomaliesPerDeviceDay({ anomalies: await readAnomalies(log, topic), failures: truth.failures })
 */
export function chartAnomaliesPerDeviceDay(input: AnomaliesPerDeviceDayInput): ChartSpec {
  const types = input.anomalyTypes === undefined ? undefined : new Set(input.anomalyTypes);
  const anomalies = input.anomalies.filter((a) => types === undefined || types.has(a.anomaly_type));
  const failures = input.failures ?? [];
  const days = [...anomalies.map((a) => dayOf(a.timestamp)), ...failures.map((f) => dayOf(f.timestamp))];
  const firstDay = input.fromMs === undefined ? Math.min(...days) : Math.floor(input.fromMs / DAY_MS);
  const lastDay = input.toMs === undefined ? Math.max(...days) : Math.floor(input.toMs / DAY_MS);
  if (!(Number.isFinite(firstDay) && Number.isFinite(lastDay)) || lastDay < firstDay) {
    throw new InvalidArgumentError('chart anomalies: nothing to show (no anomalies, failures or day range)');
  }
  const inRange = (day: number) => day >= firstDay && day <= lastDay;

  const counts = new Map<string, { device: string; day: number; anomalies: number }>();
  for (const a of anomalies) {
    const day = dayOf(a.timestamp);
    if (!inRange(day)) continue;
    const key = `${a.device_id}\u0000${day}`;
    const cell = counts.get(key);
    if (cell) cell.anomalies += 1;
    else counts.set(key, { device: a.device_id, day, anomalies: 1 });
  }
  const failureCells = new Map<string, { device: string; day: number }>();
  for (const f of failures) {
    const day = dayOf(f.timestamp);
    if (inRange(day)) failureCells.set(`${f.device_id}\u0000${day}`, { device: f.device_id, day });
  }
  const devices = [
    ...new Set([
      ...(input.devices ?? []),
      ...[...counts.values()].map((c) => c.device),
      ...[...failureCells.values()].map((c) => c.device),
    ]),
  ].sort(compareDeviceIds);
  const dayLabels = Array.from({ length: lastDay - firstDay + 1 }, (_, i) => labelDay(firstDay + i));
  const cell = input.cell ?? { width: 26, height: 15 };
  const maxCount = Math.max(1, ...[...counts.values()].map((c) => c.anomalies));
  const typeNote = input.anomalyTypes === undefined ? 'all anomaly types' : input.anomalyTypes.join(', ');

  const x = {
    field: 'day',
    type: 'ordinal' as const,
    scale: { domain: dayLabels },
    axis: { title: 'day (UTC)', labelAngle: -45, labelAlign: 'right' as const },
  };
  const y = {
    field: 'device',
    type: 'ordinal' as const,
    scale: { domain: devices },
    axis: { title: null },
  };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: {
      text: input.title ?? 'Anomalies per device and day',
      subtitle: `${typeNote}; colour: anomalies that day (log scale), empty: none; ×: a failure that day`,
      anchor: 'start',
    },
    width: { step: cell.width },
    height: { step: cell.height },
    layer: [
      {
        data: { values: [...counts.values()].map((c) => ({ ...c, day: labelDay(c.day) })) },
        mark: { type: 'rect', stroke: 'white', strokeWidth: 0.5 },
        encoding: {
          x,
          y,
          color: {
            field: 'anomalies',
            type: 'quantitative',
            scale: { type: 'log', domain: [1, maxCount], scheme: 'yelloworangered' },
            legend: { title: 'anomalies per day', format: ',d', tickCount: 4 },
          },
        },
      },
      {
        data: {
          values: [...failureCells.values()].map((c) => ({
            device: c.device,
            day: labelDay(c.day),
            what: 'failure (ground truth)',
          })),
        },
        mark: { type: 'point', filled: false, size: 60, strokeWidth: 2.2, opacity: 1 },
        encoding: {
          x,
          y,
          shape: {
            field: 'what',
            type: 'nominal',
            scale: { range: [X_SHAPE] },
            legend: { title: null, labelLimit: 200, symbolStrokeWidth: 2.2 },
          },
          color: { value: '#1f3a93' },
        },
      },
    ],
    config: { view: { stroke: '#ddd' }, axis: { labelFontSize: 11, titleFontSize: 12 } },
  };
}
