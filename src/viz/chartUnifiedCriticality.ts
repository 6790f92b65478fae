import { compareDeviceIds } from '../schema/deviceOrder.js';
import type { ChartSpec } from './render.js';

/**
 * unified_device_health as a grid: one mark per device and day, its size the criticality_score (0–1) and
 * its colour the source that served it — batch (Gold, up to the watermark) or realtime (the speed layer's
 * view, after it). The watermark is where the colours change.
 * @example chartUnifiedCriticality((await serving.query('select * from unified_device_health')).rows)
 */
export function chartUnifiedCriticality(rows: readonly Record<string, unknown>[], title?: string): ChartSpec {
  const cells = rows.map((r) => ({
    device: String(r.device_id),
    day: String(r.date),
    source: String(r.source),
    criticality: Number(r.criticality_score ?? 0),
    priority: String(r.priority ?? ''),
  }));
  const devices = [...new Set(cells.map((c) => c.device))].sort(compareDeviceIds);
  const days = [...new Set(cells.map((c) => c.day))].sort();
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: {
      text: title ?? 'unified_device_health: criticality per device and day',
      subtitle: `size: criticality_score (0–1); colour: the source serving the day (${cells.length} device-days)`,
      anchor: 'start',
    },
    width: { step: 40 },
    height: { step: 22 },
    data: { values: cells },
    mark: { type: 'circle', opacity: 0.85 },
    encoding: {
      x: {
        field: 'day',
        type: 'ordinal',
        scale: { domain: days },
        axis: { title: 'date (UTC)', labelAngle: -45, labelAlign: 'right' },
      },
      y: { field: 'device', type: 'ordinal', scale: { domain: devices }, axis: { title: null } },
      size: {
        field: 'criticality',
        type: 'quantitative',
        scale: { domain: [0, 1], range: [10, 400] },
        title: 'criticality',
      },
      color: {
        field: 'source',
        type: 'nominal',
        scale: { domain: ['batch', 'realtime'], range: ['#4c78a8', '#f58518'] },
        title: 'source',
      },
      tooltip: [
        { field: 'device' },
        { field: 'day' },
        { field: 'source' },
        { field: 'criticality' },
        { field: 'priority' },
      ],
    },
  };
}
