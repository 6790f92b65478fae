import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { formatAgreement } from '../../bench/goldAgreement.js';
import { goldAgreement, runKit, runPolars, runScript, type SideOutput } from '../../bench/goldSides.js';
import { loadConfig } from '../../src/config/config.js';
import { openDuckSession, sqlString } from '../../src/duckdb/duckSession.js';
import { listRawFiles } from '../../src/lake/lakeReader.js';
import { recordLostRange } from '../../src/lake/landingGaps.js';
import { writeSimulatedLake } from '../../src/pipeline/simulatedLake.js';
import { openObjectStore } from '../../src/store/openObjectStore.js';
import { tempDir } from '../support/tempDirs.js';

/**
 * What the plain simulated plant never has, so the peers' semantics are tested on it: repeated readings
 * (a copy of part of 04-05 in a file that sorts first, half of them with other energy values: the kept copy
 * decides), every event landed twice, a day without any telemetry (04-08, recorded as lost) and a device
 * silent for a day (device_3 on 04-10: its predictions and schedule rows have no health row that day).
 */
async function plantQuirks(dir: string): Promise<void> {
  const store = await openObjectStore(loadConfig({ LAMBDA_IOT_DATA_DIR: dir }));
  const duck = await openDuckSession();
  const local = (key: string) => new URL(store.uri(key)).pathname;
  try {
    const day = async (kind: 'telemetry' | 'events', date: string) =>
      listRawFiles(store, kind, { from: date, to: date });
    const [copied] = await day('telemetry', '2025-04-05');
    const copy = path.join(path.dirname(local(copied!.key)), 'copy-of-part.parquet');
    await duck.run(
      `COPY (SELECT * REPLACE (CASE WHEN source_offset % 2 = 0 THEN energy_usage + 1 ELSE energy_usage END AS energy_usage)
             FROM read_parquet(${sqlString(local(copied!.key))}) LIMIT 3000) TO ${sqlString(copy)} (FORMAT PARQUET)`,
    );
    for (const f of await listRawFiles(store, 'events'))
      fs.copyFileSync(local(f.key), path.join(path.dirname(local(f.key)), `again-${path.basename(f.key)}`));
    for (const f of await day('telemetry', '2025-04-08')) {
      await store.delete(f.key);
      const { topic, partition, firstOffset, lastOffset } = f.landed!;
      await recordLostRange(store, { topic, partition, firstOffset, lastOffset }, 'planted: a silent day');
    }
    for (const f of await day('telemetry', '2025-04-10')) {
      const file = local(f.key);
      await duck.run(
        `COPY (SELECT * FROM read_parquet(${sqlString(file)}) WHERE device_id <> 'device_3') TO ${sqlString(`${file}.tmp`)} (FORMAT PARQUET)`,
      );
      fs.renameSync(`${file}.tmp`, file);
    }
  } finally {
    duck.close();
    await store.close();
  }
}

describe('Gold bench value agreement: kit, hand-written DuckDB script, Polars peer (5 devices × 14 days)', () => {
  let dir: string;
  let script: SideOutput;
  let polars: SideOutput;

  beforeAll(async () => {
    dir = path.join(tempDir('gold-agreement-'), 'lake');
    await writeSimulatedLake({ dir, devices: 5, days: 14 });
    await plantQuirks(dir);
    script = await runScript(dir);
    polars = await runPolars(dir);
  });

  it('agree on every value of the three Gold tables', async () => {
    const kit = await runKit(dir, { name: 'agreement' });
    const report = await goldAgreement(dir, {
      kit: kit.output,
      script: script.output,
      polars: polars.output,
    });
    expect(report.differences, formatAgreement(report)).toEqual([]);
    expect(report.agree).toBe(true);
    // 5 devices × 14 days, less the silent day and device_3's silent day; predictions and schedule every day.
    expect(report.rows.gold_device_health).toEqual({ kit: 64, script: 64, polars: 64 });
    expect(report.rows.gold_failure_predictions).toEqual({ kit: 70, script: 70, polars: 70 });
    expect(report.rows.gold_maintenance_schedule).toEqual({ kit: 70, script: 70, polars: 70 });
  });

  it('names the column of a difference planted in one model', async () => {
    // A copy of the models, one wrapped (its text untouched); without the model tests, which would refuse
    // to publish the planted value (peak_temp_24h is checked against max_temp).
    const models = tempDir('gold-planted-models-');
    for (const f of fs.readdirSync(path.resolve('sql/duckdb')))
      if (f.endsWith('.sql') && !f.endsWith('.tests.sql'))
        fs.copyFileSync(path.resolve('sql/duckdb', f), path.join(models, f));
    const file = path.join(models, 'gold_device_health.sql');
    const original = fs.readFileSync(file, 'utf8').trim().replace(/;\s*$/, '');
    fs.writeFileSync(file, `SELECT * REPLACE (max_temp + 0.5 AS max_temp) FROM (\n${original}\n)\n`);
    const kit = await runKit(dir, { name: 'planted', sqlDir: models });
    const report = await goldAgreement(dir, {
      kit: kit.output,
      script: script.output,
      polars: polars.output,
    });
    expect(report.agree).toBe(false);
    expect(report.differences.map((d) => `${d.table}.${d.column} ${d.side} ${d.count}`)).toEqual([
      'gold_device_health.max_temp script 64',
      'gold_device_health.max_temp polars 64',
    ]);
    expect(formatAgreement(report)).toMatch(/DIFF gold_device_health\.max_temp \(script\): 64/);
  });
});
