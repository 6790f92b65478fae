import type { Config } from '../../config/config.js';
import { duckLimits } from '../../duckdb/duckSession.js';
import { openLakeReader } from '../../lake/lakeReader.js';
import { MachineEvent } from '../../schema/events.js';
import { isWellFormedTelemetry, Telemetry } from '../../schema/telemetry.js';
import type { ObjectStore } from '../../store/objectStore.js';
import { DAY_MS, epochDay, formatUtc, utcDate } from '../../time/utcTime.js';
import {
  emptyReplayStats,
  type HistoryItem,
  type HistorySource,
  isInRange,
  orderHistory,
  type TimeRange,
} from './historySource.js';

/** Event-specific columns of raw events, by event type (the others are null in the file). */
const EVENT_FIELDS: Record<string, string[]> = {
  failure: ['error_code', 'component', 'root_cause'],
  maintenance: ['technician', 'duration_min', 'parts_replaced'],
  inspection: ['status', 'next_inspection_days'],
};

/** A raw events row back as the message it was landed from (nulls of other event types dropped). */
function toEvent(row: Record<string, unknown>, ms: number): unknown {
  const event: Record<string, unknown> = {
    device_id: row.device_id,
    event_timestamp: formatUtc(ms),
    severity: row.severity,
    event_type: row.event_type,
  };
  for (const field of EVENT_FIELDS[String(row.event_type)] ?? []) event[field] = row[field];
  return event;
}

/**
 * The lake's raw Parquet files as a history source: read one event date at a time with DuckDB (only that
 * day's rows are in memory), each day put in replay order and repeated deliveries dropped, as the log
 * source does. Rows are checked against the contracts again (files dropped into raw/ by hand were never
 * validated): rows that fail are skipped and counted as invalid.
 * @example const report = await reportPrecursors(historyFromLake(store, config), { horizonMs: DAY_MS });
 */
export function historyFromLake(
  store: ObjectStore,
  config: Pick<Config, 'dataDir'> & Partial<Pick<Config, 'duckdbMemoryLimit' | 'duckdbTempLimit'>>,
  range: TimeRange = {},
): HistorySource {
  const stats = emptyReplayStats();
  return {
    label: `lake ${store.describe()}`,
    stats,
    async *items() {
      Object.assign(stats, emptyReplayStats());
      const lake = await openLakeReader(store, {
        dataDir: config.dataDir,
        from: range.fromMs === undefined ? undefined : utcDate(range.fromMs),
        to: range.toMs === undefined ? undefined : utcDate(range.toMs - 1),
        limits: duckLimits(config),
      });
      try {
        const dates = [...new Set([...lake.files.telemetry, ...lake.files.events].map((f) => f.date))].sort();
        for (const date of dates) {
          const dayStart = epochDay(date) * DAY_MS;
          const items: HistoryItem[] = [];
          const keep = (item: HistoryItem) => {
            if (item.ms < dayStart || item.ms >= dayStart + DAY_MS || !isInRange(item.ms, range))
              stats.outOfRange++;
            else items.push(item);
          };
          const telemetryKeys = lake.files.telemetry.filter((f) => f.date === date).map((f) => f.key);
          if (telemetryKeys.length > 0) {
            const rows = await lake.query<Record<string, unknown> & { ms: number }>(
              `SELECT device_id, CAST(epoch_ms("timestamp") AS DOUBLE) AS ms, energy_usage, temperature, vibration, signal_strength
               FROM ${lake.source(telemetryKeys)}`,
            );
            for (const row of rows) {
              const value = {
                device_id: row.device_id,
                timestamp: formatUtc(row.ms),
                energy_usage: row.energy_usage,
                temperature: row.temperature,
                vibration: row.vibration,
                signal_strength: row.signal_strength,
              };
              if (!isWellFormedTelemetry(value) && !Telemetry.safeParse(value).success) stats.invalid++;
              else keep({ topic: 'telemetry', ms: row.ms, value: value as Telemetry });
            }
          }
          const eventKeys = lake.files.events.filter((f) => f.date === date).map((f) => f.key);
          if (eventKeys.length > 0) {
            const rows = await lake.query<Record<string, unknown> & { ms: number }>(
              `SELECT *, CAST(epoch_ms(event_timestamp) AS DOUBLE) AS ms FROM ${lake.source(eventKeys)}`,
            );
            for (const row of rows) {
              const parsed = MachineEvent.safeParse(toEvent(row, row.ms));
              if (!parsed.success) stats.invalid++;
              else keep({ topic: 'events', ms: row.ms, value: parsed.data });
            }
          }
          for (const item of orderHistory(items, stats)) {
            if (item.topic === 'telemetry') stats.telemetry++;
            else stats.events++;
            yield item;
          }
        }
      } finally {
        lake.close();
      }
    },
  };
}
