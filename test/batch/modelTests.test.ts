import fs from 'node:fs';
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
        'SELECT count_if(is_temp_anomaly) AS temp FROM silver_telemetry',
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

  it('binds parameters instead of pasting them: a missing value is an error naming it', async () => {
    const duck = await openDuckSession();
    await duck.run('CREATE VIEW raw_telemetry AS SELECT 1 WHERE false');
    await expect(buildModel(duck, 'silver_telemetry', { from_date: '2025-04-01' })).rejects.toThrow(
      /no value for \$to_date, \$baseline_min_readings, \$vibration_threshold|no value for .*\$to_date/,
    );
    duck.close();
  });
});
