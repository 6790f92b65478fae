import fs from 'node:fs';
import path from 'node:path';
import { loadConfig } from '../src/config/config.js';
import { openDuckSession } from '../src/duckdb/duckSession.js';
import { openStack } from '../src/pipeline/stack.js';
import { EmbeddedServing, servingFile } from '../src/serving/embeddedServing.js';
import { readServingSql } from '../src/serving/servingSql.js';

export interface ServingQueryRow {
  query: string;
  materialized: { p50: number; p95: number };
  onTheFly: { p50: number; p95: number };
}

export interface ServingBench {
  devices: number;
  days: number;
  goldRows: number;
  anomalies: number;
  queries: ServingQueryRow[];
  refresh: { incrementalMs: number[]; fullMs: number[]; newAnomaliesPerHour: number };
}

/**
 * A serving database synthesized directly (seeded, not simulated through the pipeline): `devices` × `days`
 * of gold_device_health, ~14 anomalies per device-day, three days of real-time rows after the watermark.
 * Kept under `dir` and reused.
 */
export async function ensureServing(dir: string, devices: number, days: number): Promise<void> {
  const marker = path.join(dir, 'generated.json');
  if (fs.existsSync(marker)) return;
  fs.rmSync(dir, { recursive: true, force: true });
  const stack = openStack(
    loadConfig({ LAMBDA_IOT_DATA_DIR: dir, LAMBDA_IOT_SERVING_RETENTION_DAYS: '3650' }),
  );
  const first = await EmbeddedServing.open(stack);
  await first.close();
  const duck = await openDuckSession({ file: servingFile(stack.config) });
  // hash(i, salt) / 2^64 is a seeded uniform in [0, 1): the data never depends on the clock.
  const u = (expr: string, salt: number) => `(hash(${expr}, ${salt}) % 1000000) / 1000000.0`;
  await duck.run(`
    insert into gold_device_health
    select 'device_' || d, date '2025-01-01' + cast(k as integer), 1440, round(1 + 3 * ${u('d * 10000 + k', 1)}, 2), 20 + 10 * ${u('d * 10000 + k', 2)},
           round(0.3 + 0.7 * ${u('d * 10000 + k', 3)}, 2), cast(10 * ${u('d * 10000 + k', 4)} as bigint),
           cast(6 * ${u('d * 10000 + k', 5)} as bigint), 70 + 30 * ${u('d * 10000 + k', 6)}, 0,
           cast(150 * ${u('d * 10000 + k', 7)} as bigint)
    from range(1, ${devices + 1}) t(d), range(0, ${days}) s(k)`);
  await duck.run(`
    insert into anomalies_streaming
    select 'device_' || d, timestamp '2025-01-01' + to_microseconds(cast(i * 86400000000 / 14 + 1000000 * floor(60 * ${u('d * 100000 + i', 8)}) as bigint)),
           (['high_vibration', 'high_temperature', 'high_energy_usage', 'low_signal'])[cast(1 + hash(d, i) % 4 as integer)],
           (['high', 'high', 'critical', 'medium'])[cast(1 + hash(i, d) % 4 as integer)], 'synthetic', ${u('d * 100000 + i', 9)} < 0.6,
           null
    from range(1, ${devices + 1}) t(d), range(0, ${days * 14}) s(i)`);
  await duck.run(`
    insert into device_health_rt
    select 'device_' || d, date '2025-01-01' + cast(${days} + k as integer), 600, 2.5, 27, round(0.3 + 0.7 * ${u('d * 10 + k', 10)}, 2),
           cast(10 * ${u('d * 10 + k', 11)} as bigint), 85, timestamp '2025-01-01' + to_days(cast(${days} + k as integer)) + interval 10 hour
    from range(1, ${devices + 1}) t(d), range(0, 3) s(k)`);
  await duck.run(
    `update serving_watermark set closed_through = date '2025-01-01' + ${days - 1}, gold_snapshot_id = 1, gold_commit = 'bench'`,
  );
  duck.close();
  const serving = await EmbeddedServing.open(stack);
  await serving.refresh(undefined, { full: true });
  await serving.close();
  await stack.close();
  fs.writeFileSync(marker, JSON.stringify({ devices, days }));
}

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
};

async function time(fn: () => Promise<unknown>): Promise<number> {
  const started = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - started) / 1e6;
}

/**
 * (a) Dashboard-shaped queries on the materialized views vs the same SELECT computed on the fly, p50/p95 ms
 * over alternating repeats; (b) an incremental refresh after one new hour of anomalies vs a full refresh.
 */
export async function benchServing(devices = 1000, days = 365, repeats = 20): Promise<ServingBench> {
  const dir = path.resolve('data', 'bench', `serving-${devices}x${days}`);
  await ensureServing(dir, devices, days);
  const stack = openStack(
    loadConfig({ LAMBDA_IOT_DATA_DIR: dir, LAMBDA_IOT_SERVING_RETENTION_DAYS: '3650' }),
  );
  const serving = await EmbeddedServing.open(stack);
  try {
    const unified = `(${readServingSql('unified_device_health')})`;
    const rollup = `(${readServingSql('anomaly_rollup')})`;
    const lastDay = `date '2025-01-01' + ${days + 2}`;
    const shapes = [
      {
        query: 'device page: one device, every day (unified)',
        sql: (from: string) => `select * from ${from} u where device_id = 'device_42' order by date`,
      },
      {
        query: 'plant today: most critical devices on the newest date (unified)',
        sql: (from: string) =>
          `select device_id, criticality_score, priority from ${from} u where date = ${lastDay} order by criticality_score desc limit 20`,
      },
      {
        query: 'anomalies per hour, last 24 h of the plant (rollup)',
        sql: (from: string) =>
          `select hour, sum(total_anomalies) as n, sum(pending_anomalies) as pending from ${from} r where hour >= timestamp '2025-01-01' + to_days(${days - 1}) group by hour order by hour`,
      },
    ];
    const queries: ServingQueryRow[] = [];
    for (const shape of shapes) {
      const table = shape.query.includes('rollup') ? 'anomaly_rollup' : 'unified_device_health';
      const view = shape.query.includes('rollup') ? rollup : unified;
      const materialized: number[] = [];
      const onTheFly: number[] = [];
      for (let i = 0; i < repeats; i++) {
        materialized.push(await time(() => serving.query(shape.sql(table))));
        onTheFly.push(await time(() => serving.query(shape.sql(view))));
      }
      queries.push({
        query: shape.query,
        materialized: { p50: percentile(materialized, 0.5), p95: percentile(materialized, 0.95) },
        onTheFly: { p50: percentile(onTheFly, 0.5), p95: percentile(onTheFly, 0.95) },
      });
    }
    // (b) one new hour of anomalies (one per device), then incremental vs full, alternating.
    const incrementalMs: number[] = [];
    const fullMs: number[] = [];
    for (let round = 0; round < 3; round++) {
      const hour = new Date(Date.UTC(2025, 0, 1) + (days * 24 + round) * 3_600_000).toISOString();
      const anomalies = Array.from({ length: devices }, (_, d) => ({
        device_id: `device_${d + 1}`,
        timestamp: hour.replace('.000Z', 'Z'),
        anomaly_type: 'high_vibration',
        severity: 'high' as const,
        description: 'bench',
        is_confirmed: false,
        confirmed_by: null,
      }));
      await serving.write({ anomalies });
      incrementalMs.push(await time(() => serving.refresh()));
      fullMs.push(await time(() => serving.refresh(undefined, { full: true })));
    }
    const [counts] = (
      await serving.query(
        'select (select count(*) from gold_device_health) as gold, (select count(*) from anomalies_streaming) as anomalies',
      )
    ).rows as { gold: number; anomalies: number }[];
    return {
      devices,
      days,
      goldRows: counts!.gold,
      anomalies: counts!.anomalies,
      queries,
      refresh: { incrementalMs, fullMs, newAnomaliesPerHour: devices },
    };
  } finally {
    await serving.close();
    await stack.close();
  }
}
