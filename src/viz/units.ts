import type { Metric } from '../schema/telemetry.js';

/** The unit of each telemetry metric (the contract's units). */
export const METRIC_UNITS: Record<Metric, string> = {
  energy_usage: 'kWh',
  temperature: '°C',
  vibration: 'mm/s²',
  signal_strength: '%',
};

/**
 * An axis title for a metric: its name in words and its unit.
 * @example describeMetricAxis('vibration'); // "vibration (mm/s²)"
 * @example describeMetricAxis('energy_usage'); // "energy usage (kWh)"
 */
export function describeMetricAxis(metric: Metric): string {
  return `${metric.replace(/_/g, ' ')} (${METRIC_UNITS[metric]})`;
}
