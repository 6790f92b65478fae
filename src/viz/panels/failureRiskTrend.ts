import type { ChartSpec } from '../render.js';
import { type PanelRows, type PanelSize, panelFrame, UTC_DATE_AXIS } from './common.js';

/**
 * Failure-risk trend: mean and highest failure_risk_score per prediction date (UTC).
 * Rows: { prediction_date, avg_risk, max_risk, riskiest_device } (panels/failure_risk_trend.sql).
 */
export function panelFailureRiskTrend(rows: PanelRows, size?: PanelSize): ChartSpec {
  return {
    ...panelFrame('Failure-risk trend', 'mean (line) and highest (points) risk per day, UTC', rows, size),
    encoding: {
      x: {
        field: 'prediction_date',
        type: 'temporal',
        timeUnit: 'utcyearmonthdate',
        title: 'prediction date (UTC)',
        axis: UTC_DATE_AXIS,
        scale: { type: 'utc' },
      },
    },
    layer: [
      {
        mark: { type: 'line', color: '#2166ac' },
        encoding: { y: { field: 'avg_risk', type: 'quantitative', title: 'failure risk score' } },
      },
      {
        mark: { type: 'point', filled: true, color: '#b2182b' },
        encoding: {
          y: { field: 'max_risk', type: 'quantitative' },
          tooltip: [
            { field: 'prediction_date', title: 'date' },
            { field: 'riskiest_device', title: 'riskiest device' },
            { field: 'max_risk', title: 'highest risk' },
            { field: 'avg_risk', title: 'mean risk' },
          ],
        },
      },
    ],
  } as ChartSpec;
}
