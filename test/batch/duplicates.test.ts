import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { buildModel } from '../../src/batch/models.js';
import { runBatch } from '../../src/batch/runBatch.js';
import { MAIN_BRANCH } from '../../src/catalog/port.js';
import { readTable } from '../../src/catalog/tableOps.js';
import { formatBatch } from '../../src/cli/commands/batch.js';
import { topicName } from '../../src/config/names.js';
import { sqlString } from '../../src/duckdb/duckSession.js';
import { listRawFiles, openLakeReader } from '../../src/lake/lakeReader.js';
import { runLandingSink } from '../../src/lake/landingSink.js';
import { expectedRows, GOLD_ORDER, type GoldenLake, goldenCases, landGoldenCase } from './goldenCases.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

const threeDevices = goldenCases().find((c) => c.name === 'three-devices')!;

function jsonLines(kind: 'telemetry' | 'events'): Record<string, unknown>[] {
  return fs
    .readFileSync(path.join(threeDevices.dir, `${kind}.jsonl`), 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l));
}

/** The three-devices case landed, then every message produced and landed once more, changed by `change`. */
async function landTwice(change: (kind: 'telemetry' | 'events', value: Record<string, unknown>) => object) {
  const lake = await landGoldenCase(threeDevices);
  cleanups.push(() => lake.close());
  for (const [kind, timeField] of [
    ['telemetry', 'timestamp'],
    ['events', 'event_timestamp'],
  ] as const) {
    const records = jsonLines(kind).map((value) => ({
      key: String(value.device_id),
      value: JSON.stringify(change(kind, value)),
      timestamp: Date.parse(String(value[timeField])),
    }));
    await lake.log.produce(topicName(lake.config, kind), records);
  }
  const landed = await runLandingSink({
    log: lake.log,
    store: lake.store,
    config: lake.config,
    untilEnd: true,
  });
  expect(landed.deadLettered).toBe(0);
  return lake;
}

async function expectGoldenGold(lake: GoldenLake) {
  for (const g of GOLD_ORDER) {
    const rows = await readTable(lake.catalog, lake.ctx, MAIN_BRANCH, g.table, { orderBy: g.orderBy });
    expect(rows, g.model).toEqual(expectedRows(threeDevices, g.model));
  }
}

describe('silver deduplicates readings and events (at-least-once delivery, a plant produced twice)', () => {
  it('every message landed twice: Gold equals the clean run, the run counts the copies it dropped', async () => {
    const lake = await landTwice((_kind, value) => value);
    const result = await runBatch({ config: lake.config, store: lake.store, catalog: lake.catalog });
    expect(result.audits.filter((a) => !a.passed)).toEqual([]);
    expect(result.published).toBe(true);
    await expectGoldenGold(lake);
    // the rebuilt days are every day of the case: every copy counted, none with other values
    const events = jsonLines('events').filter((e) => String(e.event_timestamp) >= result.range!.from);
    expect(result.duplicates).toEqual({
      telemetry: { dropped: jsonLines('telemetry').length, differing: 0 },
      events: { dropped: events.length, differing: 0 },
    });
    expect(result.audits.map((a) => a.name)).toEqual(
      expect.arrayContaining([
        "silver_telemetry_daily: every raw row of the model's days is a reading or a dropped duplicate, every device-day with raw rows has a row",
        'silver_events: key (device_id, event_timestamp, event_type) unique and not null (duplicates deduplicated)',
      ]),
    );
    expect(formatBatch(result)).toMatch(
      new RegExp(
        `duplicates: ${jsonLines('telemetry').length} duplicate readings dropped, ${events.length} duplicate events dropped`,
      ),
    );
  }, 60_000);

  it('copies with other values (a second plant): the first landed copy wins and the others are counted as differing', async () => {
    const lake = await landTwice((kind, value) =>
      kind === 'telemetry'
        ? { ...value, temperature: Number(value.temperature) + 40 }
        : { ...value, severity: value.severity === 'low' ? 'medium' : 'low' },
    );
    const result = await runBatch({ config: lake.config, store: lake.store, catalog: lake.catalog });
    expect(result.published).toBe(true);
    await expectGoldenGold(lake);
    const readings = jsonLines('telemetry').length;
    expect(result.duplicates.telemetry).toEqual({ dropped: readings, differing: readings });
    expect(result.duplicates.events.differing).toBe(result.duplicates.events.dropped);
    expect(result.duplicates.events.dropped).toBeGreaterThan(0);
    expect(formatBatch(result)).toMatch(
      new RegExp(`${readings} duplicate readings dropped \\(${readings} with other values\\)`),
    );
  }, 60_000);

  it('keeps the smallest (source_partition, source_offset), then the first file key; rows without lineage last', async () => {
    const lake = await landGoldenCase(threeDevices);
    cleanups.push(() => lake.close());
    const [landed] = await listRawFiles(lake.store, 'telemetry', { from: '2025-04-01', to: '2025-04-01' });
    const day = path.dirname(new URL(lake.store.uri(landed!.key)).pathname);
    const reading = `'A' AS device_id, TIMESTAMPTZ '2025-04-01 12:34:56+00' AS "timestamp", 1.0 AS energy_usage,
      1.0 AS vibration, 80.0 AS signal_strength`;
    const write = (name: string, temperature: number, lineage: string) =>
      lake.duck.run(
        `COPY (SELECT ${reading}, ${temperature} AS temperature${lineage}) TO ${sqlString(path.join(day, name))} (FORMAT PARQUET)`,
      );
    // silver keeps device-day aggregates: the kept copy's temperature is what it adds to the day's sum
    const silver = async () => {
      const reader = await openLakeReader(lake.store, { dataDir: lake.config.dataDir });
      try {
        await buildModel(reader.duck, 'silver_telemetry_daily', {
          from_date: '2025-04-01',
          to_date: '2025-04-01',
          vibration_threshold: 3,
          baseline_min_readings: 100,
        });
        const [row] = await reader.query<{
          sum_temp: number;
          readings: number;
          duplicates_dropped: number;
          duplicates_differing: number;
        }>(
          `SELECT sum_temp, readings, duplicates_dropped, duplicates_differing FROM silver_telemetry_daily
           WHERE device_id = 'A' AND date = DATE '2025-04-01'`,
        );
        return row!;
      } finally {
        reader.close();
      }
    };
    const before = await silver();
    const kept = async () => {
      const { sum_temp, readings, duplicates_dropped, duplicates_differing } = await silver();
      return {
        temperature: Math.round((sum_temp - before.sum_temp) * 1e6) / 1e6,
        added: readings - before.readings,
        duplicates_dropped: duplicates_dropped - before.duplicates_dropped,
        duplicates_differing: duplicates_differing - before.duplicates_differing,
      };
    };
    // same (partition, offset) in two files: the file key decides; a smaller offset beats both; no lineage loses
    await write('b-copy.parquet', 21, ', 0 AS source_partition, CAST(900 AS BIGINT) AS source_offset');
    await write('a-copy.parquet', 22, ', 0 AS source_partition, CAST(900 AS BIGINT) AS source_offset');
    await write('0-no-lineage.parquet', 23, '');
    expect(await kept()).toEqual({
      temperature: 22,
      added: 1,
      duplicates_dropped: 2,
      duplicates_differing: 2,
    });
    await write('c-first.parquet', 24, ', 0 AS source_partition, CAST(899 AS BIGINT) AS source_offset');
    expect(await kept()).toEqual({
      temperature: 24,
      added: 1,
      duplicates_dropped: 3,
      duplicates_differing: 3,
    });
  }, 60_000);
});
