import { Anomaly } from '../schema/anomaly.js';
import { AnomalyReview } from '../schema/anomalyReview.js';
import { MachineEvent } from '../schema/events.js';
import { Telemetry } from '../schema/telemetry.js';
import type { RawKind } from './rawLayout.js';

/**
 * The columns of the raw Parquet files, per dataset. Types are what DuckDB writes and every reader sees:
 * TIMESTAMPTZ is Parquet TIMESTAMP(MICROS, UTC-adjusted), DOUBLE is a 64-bit float, INTEGER/BIGINT are
 * 32/64-bit integers, VARCHAR is a UTF-8 string, BOOLEAN is a Parquet BOOLEAN. Event-specific columns are null for other event types.
 * The lineage columns say which log message a row came from: (source_partition, source_offset) is unique
 * within one topic, and the file name says the topic.
 */

export type RawColumnType = 'VARCHAR' | 'TIMESTAMPTZ' | 'DOUBLE' | 'INTEGER' | 'BIGINT' | 'BOOLEAN';

/** A cell as a column's `cell` returns it. */
export type RawCell = string | number | boolean | null;

/** A landed message: the validated value, its event time and where it came from. */
export interface RawRow<T> {
  value: T;
  /** Event time, epoch ms. */
  ms: number;
  partition: number;
  offset: number;
}

export interface RawColumn<T> {
  name: string;
  type: RawColumnType;
  /** What the column means, with its unit. */
  description: string;
  /** The cell: epoch ms for TIMESTAMPTZ, a number for DOUBLE/INTEGER/BIGINT, a string for VARCHAR, a boolean for BOOLEAN, or null. */
  cell: (row: RawRow<T>) => RawCell;
}

export interface RawDataset<T> {
  kind: RawKind;
  /** The contract every landed row passed (the shared validator's schema). */
  contract: typeof Telemetry | typeof MachineEvent | typeof Anomaly | typeof AnomalyReview;
  /** The field holding the event time. */
  timeField: 'timestamp' | 'event_timestamp';
  columns: RawColumn<T>[];
}

const lineage = <T>(): RawColumn<T>[] => [
  {
    name: 'source_partition',
    type: 'INTEGER',
    description: 'log partition the message was read from',
    cell: (r) => r.partition,
  },
  {
    name: 'source_offset',
    type: 'BIGINT',
    description: 'offset of the message in its partition',
    cell: (r) => r.offset,
  },
];

/** Raw telemetry: one row per reading (two readings of one device in one second are two rows). */
export const RAW_TELEMETRY: RawDataset<Telemetry> = {
  kind: 'telemetry',
  contract: Telemetry,
  timeField: 'timestamp',
  columns: [
    {
      name: 'device_id',
      type: 'VARCHAR',
      description: 'device id, stored literally',
      cell: (r) => r.value.device_id,
    },
    { name: 'timestamp', type: 'TIMESTAMPTZ', description: 'event time (UTC, µs)', cell: (r) => r.ms },
    {
      name: 'energy_usage',
      type: 'DOUBLE',
      description: 'kWh in the reading interval',
      cell: (r) => r.value.energy_usage,
    },
    { name: 'temperature', type: 'DOUBLE', description: '°C', cell: (r) => r.value.temperature },
    { name: 'vibration', type: 'DOUBLE', description: 'mm/s²', cell: (r) => r.value.vibration },
    {
      name: 'signal_strength',
      type: 'DOUBLE',
      description: '% (0–100)',
      cell: (r) => r.value.signal_strength,
    },
    ...lineage<Telemetry>(),
  ],
};

/** A field of one event type, or null for the others. */
const eventField =
  (field: string) =>
  (r: RawRow<MachineEvent>): string | number | null => {
    const v = (r.value as Record<string, unknown>)[field];
    return typeof v === 'string' || typeof v === 'number' ? v : null;
  };

/** Raw machine events: one row per event, event-specific columns null where they do not apply. */
export const RAW_EVENTS: RawDataset<MachineEvent> = {
  kind: 'events',
  contract: MachineEvent,
  timeField: 'event_timestamp',
  columns: [
    {
      name: 'device_id',
      type: 'VARCHAR',
      description: 'device id, stored literally',
      cell: (r) => r.value.device_id,
    },
    { name: 'event_timestamp', type: 'TIMESTAMPTZ', description: 'event time (UTC, µs)', cell: (r) => r.ms },
    {
      name: 'event_type',
      type: 'VARCHAR',
      description: 'failure | maintenance | inspection',
      cell: (r) => r.value.event_type,
    },
    {
      name: 'severity',
      type: 'VARCHAR',
      description: 'low | medium | high | critical',
      cell: (r) => r.value.severity,
    },
    { name: 'error_code', type: 'VARCHAR', description: 'failure: ERRnnnn', cell: eventField('error_code') },
    {
      name: 'component',
      type: 'VARCHAR',
      description: 'failure: component that failed',
      cell: eventField('component'),
    },
    {
      name: 'root_cause',
      type: 'VARCHAR',
      description: 'failure: root cause',
      cell: eventField('root_cause'),
    },
    {
      name: 'technician',
      type: 'VARCHAR',
      description: 'maintenance: technician',
      cell: eventField('technician'),
    },
    {
      name: 'duration_min',
      type: 'INTEGER',
      description: 'maintenance: minutes',
      cell: eventField('duration_min'),
    },
    {
      name: 'parts_replaced',
      type: 'VARCHAR',
      description: 'maintenance: part replaced (none | bearing | filter | battery)',
      cell: eventField('parts_replaced'),
    },
    {
      name: 'status',
      type: 'VARCHAR',
      description: 'inspection: passed | failed',
      cell: eventField('status'),
    },
    {
      name: 'next_inspection_days',
      type: 'INTEGER',
      description: 'inspection: days until the next one',
      cell: eventField('next_inspection_days'),
    },
    ...lineage<MachineEvent>(),
  ],
};

/** Raw anomalies as the speed layer published them: one row per message (a republished anomaly is two rows). */
export const RAW_ANOMALIES: RawDataset<Anomaly> = {
  kind: 'anomalies',
  contract: Anomaly,
  timeField: 'timestamp',
  columns: [
    {
      name: 'device_id',
      type: 'VARCHAR',
      description: 'device id, stored literally',
      cell: (r) => r.value.device_id,
    },
    {
      name: 'timestamp',
      type: 'TIMESTAMPTZ',
      description: 'event time of the reading that raised it (UTC, µs)',
      cell: (r) => r.ms,
    },
    {
      name: 'anomaly_type',
      type: 'VARCHAR',
      description: 'snake_case rule name, e.g. high_temperature',
      cell: (r) => r.value.anomaly_type,
    },
    {
      name: 'severity',
      type: 'VARCHAR',
      description: 'low | medium | high | critical',
      cell: (r) => r.value.severity,
    },
    { name: 'description', type: 'VARCHAR', description: 'what was seen', cell: (r) => r.value.description },
    {
      name: 'is_confirmed',
      type: 'BOOLEAN',
      description: 'auto-confirmed by the speed layer',
      cell: (r) => r.value.is_confirmed,
    },
    {
      name: 'confirmed_by',
      type: 'VARCHAR',
      description: '"system" when auto-confirmed, otherwise null',
      cell: (r) => r.value.confirmed_by,
    },
    ...lineage<Anomaly>(),
  ],
};

/**
 * Raw reviews (iot-anomaly-reviews): one row per review message, dated by the reviewed anomaly's event
 * time. Every review is kept (the audit trail); the serving layer keeps the newest per anomaly identity.
 */
export const RAW_REVIEWS: RawDataset<AnomalyReview> = {
  kind: 'reviews',
  contract: AnomalyReview,
  timeField: 'timestamp',
  columns: [
    {
      name: 'device_id',
      type: 'VARCHAR',
      description: 'device id of the reviewed anomaly',
      cell: (r) => r.value.device_id,
    },
    {
      name: 'timestamp',
      type: 'TIMESTAMPTZ',
      description: 'event time of the reviewed anomaly (UTC, µs)',
      cell: (r) => r.ms,
    },
    {
      name: 'anomaly_type',
      type: 'VARCHAR',
      description: 'anomaly type of the reviewed anomaly',
      cell: (r) => r.value.anomaly_type,
    },
    { name: 'action', type: 'VARCHAR', description: 'confirm | dismiss', cell: (r) => r.value.action },
    { name: 'reviewer', type: 'VARCHAR', description: 'who reviewed', cell: (r) => r.value.reviewer },
    { name: 'comment', type: 'VARCHAR', description: 'optional comment', cell: (r) => r.value.comment },
    {
      name: 'reviewed_at',
      type: 'TIMESTAMPTZ',
      description: 'when the review was made (UTC, µs)',
      cell: (r) => Date.parse(r.value.reviewed_at),
    },
    ...lineage<AnomalyReview>(),
  ],
};

export const RAW_DATASETS = {
  telemetry: RAW_TELEMETRY,
  events: RAW_EVENTS,
  anomalies: RAW_ANOMALIES,
  reviews: RAW_REVIEWS,
} as const;

/** `CREATE TABLE name (col TYPE, …)` for a dataset's columns (names are the constants above). */
export function rawTableDdl(
  dataset: { columns: readonly { name: string; type: RawColumnType }[] },
  table: string,
): string {
  return `CREATE TABLE ${table} (${dataset.columns.map((c) => `"${c.name}" ${c.type}`).join(', ')})`;
}
