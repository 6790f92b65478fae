import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runBatch } from '../../src/batch/runBatch.js';
import { openLog } from '../../src/bus/openLog.js';
import { EmbeddedCatalog } from '../../src/catalog/embeddedCatalog.js';
import { MAIN_BRANCH } from '../../src/catalog/port.js';
import { readTable } from '../../src/catalog/tableOps.js';
import { loadConfig } from '../../src/config/config.js';
import { topicName } from '../../src/config/names.js';
import { openDuckSession } from '../../src/duckdb/duckSession.js';
import { DEFAULT_FROM_MS, type SimulatedMessage, simulateHistory } from '../../src/ingest/index.js';
import { runLandingSink } from '../../src/lake/landingSink.js';
import { openObjectStore } from '../../src/store/openObjectStore.js';
import { DAY_MS } from '../../src/time/utcTime.js';
import { tempDataDir } from '../support/cli.js';

const GOLD = [
  ['iot.gold_device_health', 'date'],
  ['iot.gold_failure_predictions', 'prediction_date'],
  ['iot.gold_maintenance_schedule', 'date'],
] as const;

describe('incremental batch runs', () => {
  it('after new data, late readings and a late maintenance event, equal a full rebuild; reruns change nothing', async () => {
    const dataDir = tempDataDir('incremental');
    const config = loadConfig({ LAMBDA_IOT_DATA_DIR: dataDir, LAMBDA_IOT_PARTITIONS: '2' });
    const log = await openLog(config);
    const store = await openObjectStore(config);
    const catalog = new EmbeddedCatalog({ file: path.join(dataDir, 'catalog', 'catalog.sqlite'), store });
    const duck = await openDuckSession();
    const ctx = { duck, store, tmpDir: path.join(dataDir, 'tmp') };
    try {
      const messages = [
        ...simulateHistory({
          devices: 3,
          seed: 11,
          fromMs: DEFAULT_FROM_MS,
          toMs: DEFAULT_FROM_MS + 12 * DAY_MS,
          cadenceMs: 10 * 60_000,
          profile: 'degrading',
        }),
      ];
      const produce = async (batch: SimulatedMessage[]) => {
        for (const topic of ['telemetry', 'events'] as const) {
          const records = batch
            .filter((m) => m.topic === topic)
            .map((m) => ({ key: m.value.device_id, value: JSON.stringify(m.value), timestamp: m.timestamp }));
          if (records.length > 0) await log.produce(topicName(config, topic), records);
        }
        await runLandingSink({ log, store, config, untilEnd: true });
      };
      const day = (n: number) => DEFAULT_FROM_MS + n * DAY_MS;
      // Day 3's afternoon readings of device_1 arrive late (after day 9 was landed).
      const late = (m: SimulatedMessage) =>
        m.topic === 'telemetry' &&
        m.value.device_id === 'device_1' &&
        m.timestamp >= day(3) + 12 * 3_600_000 &&
        m.timestamp < day(4);

      await produce(messages.filter((m) => m.timestamp < day(9) && !late(m)));
      const first = await runBatch({ config, store, catalog });
      expect(first).toMatchObject({ published: true, range: { from: '2025-04-01', to: '2025-04-09' } });

      await produce(messages.filter(late));
      const lateRun = await runBatch({ config, store, catalog });
      // Late telemetry for day 3 rebuilds day 3 and the 7 days whose windows include it.
      expect(lateRun).toMatchObject({ published: true, range: { from: '2025-04-04', to: '2025-04-09' } });

      await produce(messages.filter((m) => m.timestamp >= day(9)));
      const maintenance = {
        device_id: 'device_2',
        event_timestamp: '2025-04-01T06:00:00Z',
        severity: 'low',
        event_type: 'maintenance',
        technician: 'late-report',
        duration_min: 45,
        parts_replaced: 'filter',
      };
      await log.produce(topicName(config, 'events'), [
        {
          key: 'device_2',
          value: JSON.stringify(maintenance),
          timestamp: Date.parse(maintenance.event_timestamp),
        },
      ]);
      await runLandingSink({ log, store, config, untilEnd: true });
      const lastRun = await runBatch({ config, store, catalog });
      // A maintenance 11 days before the newest date rebuilds everything from its day on.
      expect(lastRun).toMatchObject({ published: true, range: { from: '2025-04-01', to: '2025-04-12' } });
      expect((await runBatch({ config, store, catalog })).range).toBeNull();

      // The same lake rebuilt in one go by another catalog gives the same tables.
      const rebuilt = new EmbeddedCatalog({ file: path.join(dataDir, 'catalog', 'full.sqlite'), store });
      const full = await runBatch({ config, store, catalog: rebuilt, full: true });
      expect(full.published).toBe(true);
      for (const [table, date] of GOLD) {
        const incremental = await readTable(catalog, ctx, MAIN_BRANCH, table, {
          orderBy: ['device_id', date],
        });
        const once = await readTable(rebuilt, ctx, MAIN_BRANCH, table, { orderBy: ['device_id', date] });
        expect(incremental.length, table).toBeGreaterThan(30);
        expect(incremental, table).toEqual(once);
      }
      const health = await readTable(catalog, ctx, MAIN_BRANCH, 'iot.gold_device_health', {
        orderBy: ['device_id', 'date'],
      });
      const device2 = health.filter((r) => r.device_id === 'device_2');
      expect(device2[0]).toMatchObject({ date: '2025-04-01', days_since_maintenance: 0 });
      expect(device2.find((r) => r.date === '2025-04-12')?.days_since_maintenance).toBeLessThanOrEqual(11);
      await rebuilt.close();
    } finally {
      duck.close();
      await catalog.close();
      await store.close();
      await log.close();
    }
  }, 180_000);
});
