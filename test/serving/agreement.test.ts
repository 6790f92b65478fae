import { describe, expect, it } from 'vitest';
import { CLOSED_THROUGH_PROPERTY } from '../../src/batch/closedThrough.js';
import { runConsumeLoop } from '../../src/bus/consumeLoop.js';
import { MAIN_BRANCH } from '../../src/catalog/port.js';
import { readTable } from '../../src/catalog/tableOps.js';
import { loadConfig } from '../../src/config/config.js';
import { topicName } from '../../src/config/names.js';
import { runPipeline } from '../../src/pipeline/runPipeline.js';
import { withStack } from '../../src/pipeline/stack.js';
import type { DeviceDayHealth } from '../../src/schema/deviceDayHealth.js';
import { tempDataDir } from '../support/cli.js';

/**
 * Eventual agreement (issue 16): once every reading of a date is processed and the batch has closed the
 * date, the real-time row that served it earlier equals the batch row: readings, max_temp,
 * min_health_score and vibration_anomalies exactly, avg_signal_strength within 1e-9, avg_energy exactly
 * except on a rounding tie (2 × the day's sum in hundredths an odd multiple of its reading count), where
 * ±0.01 is allowed and counted.
 */
describe('real-time rows agree with the batch rows that replace them', () => {
  it('on a simulated plant (6 devices × 4 days)', async () => {
    const config = loadConfig({
      LAMBDA_IOT_DATA_DIR: tempDataDir('agreement'),
      LAMBDA_IOT_REALTIME_DAYS: '2',
    });
    await withStack(config, async (stack) => {
      const summary = await runPipeline(stack, { devices: 6, days: 4, seed: 11 });
      expect(summary.batch.published).toBe(true);
      const log = await stack.log();
      // The newest real-time value of every (device_id, date) ever published, read from the topic.
      const newest = new Map<string, DeviceDayHealth>();
      const consumer = await log.consumer({
        topics: [topicName(config, 'deviceHealthRt')],
        fromBeginning: true,
      });
      const ends = (await log.partitionOffsets(topicName(config, 'deviceHealthRt'))).map((p) => ({
        topic: topicName(config, 'deviceHealthRt'),
        partition: p.partition,
        offset: p.endOffset,
      }));
      await runConsumeLoop({
        consumer,
        commit: false,
        stopAt: ends,
        handle: async (batch) => {
          for (const r of batch) {
            const row = JSON.parse(Buffer.from(r.value).toString('utf8')) as DeviceDayHealth;
            newest.set(`${row.device_id}|${row.date}`, row);
          }
        },
      });
      await consumer.close();

      const catalog = await stack.catalog();
      const loaded = await catalog.loadTable(MAIN_BRANCH, 'iot.gold_device_health');
      const snapshot = loaded.metadata.snapshots.find(
        (s) => s['snapshot-id'] === loaded.metadata['current-snapshot-id'],
      );
      const closed = snapshot!.summary[CLOSED_THROUGH_PROPERTY]!;
      expect(closed).toBe('2025-04-03');
      const gold = (
        await readTable(catalog, await stack.tables(), MAIN_BRANCH, 'iot.gold_device_health')
      ).filter((g) => String(g.date) <= closed);
      expect(gold.length).toBeGreaterThan(12);
      let ties = 0;
      let compared = 0;
      for (const g of gold) {
        const rt = newest.get(`${g.device_id}|${g.date}`);
        expect(rt, `${g.device_id} ${g.date}`).toBeDefined();
        compared++;
        expect([rt!.readings, rt!.max_temp, rt!.min_health_score, rt!.vibration_anomalies]).toEqual([
          g.readings,
          g.max_temp,
          g.min_health_score,
          g.vibration_anomalies,
        ]);
        expect(Math.abs(rt!.avg_signal_strength - Number(g.avg_signal_strength))).toBeLessThan(1e-9);
        if (rt!.avg_energy !== g.avg_energy) {
          expect(Math.abs(rt!.avg_energy - Number(g.avg_energy))).toBeLessThanOrEqual(0.01 + 1e-9);
          ties++;
        }
      }
      process.stdout.write(`agreement: ${compared} device-days compared, ${ties} avg_energy rounding ties\n`);
    });
  });
});
