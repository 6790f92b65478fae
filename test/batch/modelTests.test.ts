import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildModel, MODELS, readModelTests, runModelTests, sqlDir } from '../../src/batch/models.js';
import { openLog } from '../../src/bus/openLog.js';
import { loadConfig } from '../../src/config/config.js';
import { openDuckSession } from '../../src/duckdb/duckSession.js';
import { DEFAULT_FROM_MS } from '../../src/ingest/index.js';
import { openLakeReader } from '../../src/lake/lakeReader.js';
import { runLandingSink } from '../../src/lake/landingSink.js';
import { simulateToLog } from '../../src/pipeline/simulateToLog.js';
import { openObjectStore } from '../../src/store/openObjectStore.js';
import { DAY_MS } from '../../src/time/utcTime.js';
import { tempDataDir } from '../support/cli.js';

describe('the SQL models and the tests beside them (sql/duckdb/*.tests.sql)', () => {
  it('every model has a header and tests, and the tests find nothing on a simulated plant', async () => {
    for (const model of MODELS) {
      const sql = fs.readFileSync(path.join(sqlDir(), `${model}.sql`), 'utf8');
      expect(sql.startsWith(`-- ${model}\n-- Grain:`), model).toBe(true);
      expect(readModelTests(model).length, model).toBeGreaterThanOrEqual(2);
    }
    const dataDir = tempDataDir('model-tests');
    const config = loadConfig({ LAMBDA_IOT_DATA_DIR: dataDir });
    const log = await openLog(config);
    const store = await openObjectStore(config);
    await simulateToLog({
      log,
      config,
      logTarget: 'model-tests',
      simulation: {
        devices: 6,
        seed: 21,
        fromMs: DEFAULT_FROM_MS,
        toMs: DEFAULT_FROM_MS + 10 * DAY_MS,
        cadenceMs: 5 * 60_000,
        profile: 'degrading',
      },
    });
    await runLandingSink({ log, store, config, untilEnd: true });
    const lake = await openLakeReader(store, { dataDir });
    try {
      const params = {
        from_date: '2025-04-03',
        to_date: '2025-04-10',
        vibration_threshold: 3,
        baseline_min_readings: 100,
      };
      for (const model of MODELS)
        expect(await buildModel(lake.duck, model, params), model).toBeGreaterThan(0);
      // Baselines exist from the 2nd day on (288 readings a day ≥ 100), so temperature flags are raised.
      const [flags] = await lake.query<{ temp: number }>(
        'SELECT sum(temp_anomalies) AS temp FROM silver_telemetry_daily',
      );
      expect(flags!.temp).toBeGreaterThan(0);
      expect(await runModelTests(lake.duck)).toEqual([]);
      // A test can fail: break the health table and the key test reports the duplicate.
      await lake.duck.run('INSERT INTO gold_device_health SELECT * FROM gold_device_health LIMIT 1');
      const failures = await runModelTests(lake.duck);
      expect(failures.map((f) => f.test.name)).toContain('key (device_id, date) unique and not null');
    } finally {
      lake.close();
      await store.close();
      await log.close();
    }
  }, 120_000);

  it('reads the scope from a test header: rebuilt days by default, the whole table when it says so', () => {
    const scopes = MODELS.flatMap((m) => readModelTests(m).map((t) => [`${m}: ${t.name}`, t.scope]));
    expect(scopes.filter(([, scope]) => scope === 'table')).toEqual([
      [
        `silver_events: days_since_last_event is never negative and null only for a device's first event`,
        'table',
      ],
      ['gold_maintenance_schedule: scheduled devices have health rows', 'table'],
    ]);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lambda-iot-sql-'));
    try {
      const write = (text: string) => fs.writeFileSync(path.join(dir, 'gold_device_health.tests.sql'), text);
      write(
        '-- test: a\n-- what it checks\n-- scope: table\nSELECT 1 WHERE false;\n\n-- test: b\nSELECT 1 WHERE false;\n',
      );
      expect(readModelTests('gold_device_health', dir).map((t) => [t.name, t.scope, t.sql])).toEqual([
        ['a', 'table', 'SELECT 1 WHERE false'],
        ['b', 'days', 'SELECT 1 WHERE false'],
      ]);
      write('-- test: a\n-- scope: everything\nSELECT 1;\n');
      expect(() => readModelTests('gold_device_health', dir)).toThrow(
        "batch model test gold_device_health: 'a' has scope 'everything' (expected days or table)",
      );
      write('-- test: a\nSELECT 1;\n-- test: a\nSELECT 2;\n');
      expect(() => readModelTests('gold_device_health', dir)).toThrow(/two tests named 'a'/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('binds parameters instead of pasting them: a missing value is an error naming it', async () => {
    const duck = await openDuckSession();
    await duck.run('CREATE VIEW raw_telemetry AS SELECT 1 WHERE false');
    await expect(buildModel(duck, 'silver_telemetry_daily', { from_date: '2025-04-01' })).rejects.toThrow(
      /no value for \$to_date, \$baseline_min_readings, \$vibration_threshold|no value for .*\$to_date/,
    );
    duck.close();
  });
});
