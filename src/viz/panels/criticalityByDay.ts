import type { ChartSpec } from '../render.js';
import { type PanelRows, type PanelSize, panelFrame, UTC_DATE_AXIS } from './common.js';

/**
 * Device criticality by day from the unified view (the five most critical devices per day), coloured by
 * source: batch (Gold, up to the watermark) or realtime (speed layer, after it). A click selects the device.
 * Rows: { device_id, date, source, criticality_score, priority } (panels/criticality_by_day.sql).
 */
export function panelCriticalityByDay(rows: PanelRows, size?: PanelSize): ChartSpec {
  return {
    ...panelFrame(
      'Device criticality by day',
      'five most critical devices per UTC day (unified view), coloured by source',
      rows,
      size,
    ),
    mark: { type: 'point', filled: true, size: 70, cursor: 'pointer' },
    encoding: {
      x: {
        field: 'date',
        type: 'temporal',
        timeUnit: 'utcyearmonthdate',
        scale: { type: 'utc' },
        axis: UTC_DATE_AXIS,
        title: 'date (UTC)',
      },
      y: { field: 'criticality_score', type: 'quantitative', title: 'criticality score' },
      color: {
        field: 'source',
        type: 'nominal',
        scale: { domain: ['batch', 'realtime'], range: ['#2166ac', '#ef8a62'] },
      },
      tooltip: [
        { field: 'device_id' },
        { field: 'date' },
        { field: 'source' },
        { field: 'criticality_score' },
        { field: 'priority' },
      ],
    },
  } as ChartSpec;
}
