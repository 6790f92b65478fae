import type { TableDefinition } from '../iceberg/schema.js';

/** The Gold tables the batch layer publishes, with the column the run overwrites by day. */
export const GOLD_TABLES: {
  model: 'gold_device_health' | 'gold_failure_predictions' | 'gold_maintenance_schedule';
  dateColumn: string;
  definition: TableDefinition;
}[] = [
  {
    model: 'gold_device_health',
    dateColumn: 'date',
    definition: {
      name: 'iot.gold_device_health',
      columns: [
        { name: 'device_id', type: 'string', required: true },
        { name: 'date', type: 'date', required: true },
        { name: 'avg_energy', type: 'double', doc: 'mean energy_usage, kWh, 2 dp' },
        { name: 'max_temp', type: 'double', doc: '°C' },
        { name: 'min_health_score', type: 'double', doc: 'lowest composite_health_score, 0–1' },
        { name: 'vibration_anomalies', type: 'long' },
        { name: 'temp_anomalies', type: 'long' },
        { name: 'avg_signal_strength', type: 'double', doc: '%' },
        { name: 'failures_count', type: 'long' },
        { name: 'failed_components', type: 'list<string>' },
        { name: 'days_since_maintenance', type: 'long', doc: '999 when never maintained' },
        { name: 'readings', type: 'long', doc: 'readings that day (added later: older snapshots read null)' },
      ],
      partitionByDay: 'date',
      sortBy: ['device_id'],
    },
  },
  {
    model: 'gold_failure_predictions',
    dateColumn: 'prediction_date',
    definition: {
      name: 'iot.gold_failure_predictions',
      columns: [
        { name: 'device_id', type: 'string', required: true },
        { name: 'prediction_date', type: 'date', required: true },
        { name: 'anomalies_7d', type: 'long' },
        { name: 'avg_temp_7d', type: 'double' },
        { name: 'peak_energy_7d', type: 'double' },
        { name: 'worst_health_score_7d', type: 'double' },
        { name: 'anomalies_24h', type: 'long' },
        { name: 'peak_temp_24h', type: 'double' },
        { name: 'failure_risk_score', type: 'double', doc: '0–1' },
        { name: 'recommended_action', type: 'string' },
        {
          name: 'model_risk_score',
          type: 'double',
          doc: 'the failure model: probability of a failure within 3 days (added later: older snapshots read null)',
        },
        {
          name: 'model_id',
          type: 'string',
          doc: 'the model that scored the row (older snapshots read null)',
        },
      ],
      partitionByDay: 'prediction_date',
      sortBy: ['device_id'],
    },
  },
  {
    model: 'gold_maintenance_schedule',
    dateColumn: 'date',
    definition: {
      name: 'iot.gold_maintenance_schedule',
      columns: [
        { name: 'device_id', type: 'string', required: true },
        { name: 'date', type: 'date', required: true },
        { name: 'priority', type: 'string' },
        { name: 'window', type: 'string' },
        { name: 'estimated_cost', type: 'long' },
        { name: 'failure_risk_score', type: 'double' },
        {
          name: 'risk_score_source',
          type: 'string',
          doc: 'reference | model: the score behind P0 (added later: older snapshots read null)',
        },
      ],
      partitionByDay: 'date',
      sortBy: ['device_id'],
    },
  },
];
