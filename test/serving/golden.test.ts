import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.js';
import { openDuckSession } from '../../src/duckdb/duckSession.js';
import { openStack, type Stack } from '../../src/pipeline/stack.js';
import { EmbeddedServing, servingFile } from '../../src/serving/embeddedServing.js';
import { tempDataDir } from '../support/cli.js';

/**
 * The merge and the rollup on hand-made rows (test/serving/fixtures/golden.json), expected values computed
 * by hand from SEED-FACTS "The kit's definitions for serving". Examples of the arithmetic:
 *   device_1 2025-04-02 (batch): pending = A1 (high) + A3 (critical) = 2, both urgent (A2 system-confirmed,
 *     A4 dismissed); criticality = round(0.75·0.6 + 2/10·0.3 + 0.1, 2) = 0.61; 1 − 0.25 > 0.7 → P0.
 *   device_1 2025-04-03 (real-time, after the watermark 2025-04-02): dsm = 95 (newest batch row) + 1 = 96;
 *     pending A5 (medium) = 1, urgent 0; criticality = round(0.3·0.6 + 0.03 + 0.1, 2) = 0.31; dsm > 90 → P1.
 *   device_2 2025-04-03 (real-time): dsm 999 stays 999 → P0; device_3 has no batch row → dsm null → P3.
 *   device_1 2025-04-03: its critical high_vibration at 09:00 is confirmed by a reviewer (erin): not pending,
 *     so pending stays 1 (A5), urgent 0, criticality 0.31 (unreviewed: 2, urgent 1, 0.34).
 */
const fixture = JSON.parse(fs.readFileSync(path.join(__dirname, 'fixtures', 'golden.json'), 'utf8'));

let stack: Stack | undefined;
let serving: EmbeddedServing | undefined;
afterEach(async () => {
  await serving?.close();
  await stack?.close();
  serving = undefined;
});

async function openFixture(
  env: Record<string, string> = {},
  dataDir = tempDataDir('serving'),
): Promise<EmbeddedServing> {
  stack = openStack(loadConfig({ LAMBDA_IOT_DATA_DIR: dataDir, ...env }));
  serving = await EmbeddedServing.open(stack);
  await serving.loadGold(fixture.gold, fixture.watermark, fixture.predictions);
  await serving.write({ anomalies: fixture.anomalies, realtime: fixture.realtime });
  // Reviews arrive in two batches; the confirm of device_3 is older than its dismiss but arrives later.
  await serving.write({ reviews: fixture.reviews.slice(0, 5) });
  await serving.write({ reviews: fixture.reviews.slice(5) });
  return serving;
}

const rowsOf = async (s: EmbeddedServing, view: string) =>
  (await s.query(`select * from ${view} order by all`)).rows;

describe('serving golden fixture', () => {
  it('merges batch rows up to the watermark with real-time rows after it, as hand-computed', async () => {
    const s = await openFixture();
    await s.refresh();
    expect(await rowsOf(s, 'unified_device_health')).toEqual(fixture.expected.unified_device_health);
    expect(await rowsOf(s, 'anomaly_rollup')).toEqual(fixture.expected.anomaly_rollup);
  });

  it('opens a serving file made before the failure model: unified_device_health gains model_risk_score', async () => {
    // The view as the kit created it before issue 20 (its inserts go by position: without the column the
    // refresh after the first batch run of the new version failed, "11 columns but 12 values").
    const dataDir = tempDataDir('serving-old');
    const file = servingFile({ dataDir });
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const old = await openDuckSession({ file });
    await old.run(`create table unified_device_health (
      device_id varchar not null, date date not null, source varchar not null, health_score double,
      days_since_maintenance bigint, vibration_anomalies bigint, temp_anomalies bigint,
      pending_anomalies bigint not null, urgent_anomalies bigint not null, criticality_score double,
      priority varchar not null, primary key (device_id, date))`);
    old.close();
    const s = await openFixture({}, dataDir);
    await s.refresh();
    expect(await rowsOf(s, 'unified_device_health')).toEqual(fixture.expected.unified_device_health);
  });

  it('keeps the newest review of an identity, whatever order reviews arrive in; anomalies never change', async () => {
    const s = await openFixture();
    const reviews = await s.query(
      `select device_id, action, reviewer from anomaly_reviews where device_id in ('device_2', 'device_3') and "timestamp" > '2025-04-03' order by device_id`,
    );
    expect(reviews.rows).toEqual([
      { device_id: 'device_2', action: 'dismiss', reviewer: 'bob' },
      { device_id: 'device_3', action: 'dismiss', reviewer: 'carol' },
    ]);
    const system = await s.query(
      `select is_confirmed, confirmed_by from anomalies_streaming where device_id = 'device_2' and "timestamp" = '2025-04-02 05:00:00'`,
    );
    expect(system.rows).toEqual([{ is_confirmed: true, confirmed_by: 'system' }]);
  });

  it('reviewed cases: confirm, dismiss, dismiss of a system-confirmed anomaly, a later review replacing an earlier', async () => {
    const s = await openFixture();
    await s.refresh();
    const list = await s.query(
      `select a.device_id, a."timestamp", a.anomaly_type, a.is_confirmed, a.confirmed_by, r.action, r.reviewer
       from anomalies_streaming a join anomaly_reviews r using (device_id, "timestamp", anomaly_type)
       order by all`,
    );
    expect(list.rows).toEqual([
      // dismiss: not pending
      {
        device_id: 'device_1',
        timestamp: '2025-04-02T11:45:00Z',
        anomaly_type: 'low_signal',
        is_confirmed: false,
        confirmed_by: null,
        action: 'dismiss',
        reviewer: 'alice',
      },
      // a reviewer's confirm: not pending
      {
        device_id: 'device_1',
        timestamp: '2025-04-03T09:00:00Z',
        anomaly_type: 'high_vibration',
        is_confirmed: false,
        confirmed_by: null,
        action: 'confirm',
        reviewer: 'erin',
      },
      // dismiss of a system-confirmed anomaly: the anomaly keeps its confirmed_by history
      {
        device_id: 'device_2',
        timestamp: '2025-04-02T05:00:00Z',
        anomaly_type: 'high_vibration',
        is_confirmed: true,
        confirmed_by: 'system',
        action: 'dismiss',
        reviewer: 'bob',
      },
      // alice's confirm, replaced by bob's later dismiss
      {
        device_id: 'device_2',
        timestamp: '2025-04-03T05:00:00Z',
        anomaly_type: 'high_vibration',
        is_confirmed: false,
        confirmed_by: null,
        action: 'dismiss',
        reviewer: 'bob',
      },
      // dave's older confirm arrived after carol's newer dismiss: the dismiss stays
      {
        device_id: 'device_3',
        timestamp: '2025-04-03T01:00:00Z',
        anomaly_type: 'high_temperature',
        is_confirmed: false,
        confirmed_by: null,
        action: 'dismiss',
        reviewer: 'carol',
      },
    ]);
    const day = `select pending_anomalies, urgent_anomalies, criticality_score from unified_device_health
      where device_id = 'device_1' and date = '2025-04-03'`;
    expect((await s.query(day)).rows).toEqual([
      { pending_anomalies: 1, urgent_anomalies: 0, criticality_score: 0.31 },
    ]);
    // A later review replaces erin's confirm; a dismiss keeps it not pending (the views do not change).
    await s.write({
      reviews: [
        {
          device_id: 'device_1',
          timestamp: '2025-04-03T09:00:00Z',
          anomaly_type: 'high_vibration',
          action: 'dismiss',
          reviewer: 'frank',
          comment: null,
          reviewed_at: '2025-04-03T10:00:00Z',
        },
      ],
    });
    await s.refresh();
    const status = await s.query(
      `select action, reviewer from anomaly_reviews where device_id = 'device_1' and anomaly_type = 'high_vibration'`,
    );
    expect(status.rows).toEqual([{ action: 'dismiss', reviewer: 'frank' }]);
    expect((await s.query(day)).rows).toEqual([
      { pending_anomalies: 1, urgent_anomalies: 0, criticality_score: 0.31 },
    ]);
  });

  it('switches a date from realtime to batch when a publish closes it', async () => {
    const s = await openFixture();
    await s.refresh();
    await s.loadGold(fixture.gold, { ...fixture.watermark, closedThrough: '2025-04-03', snapshotId: 1002 });
    await s.refresh();
    const day = await s.query(
      `select source, health_score, days_since_maintenance from unified_device_health where device_id = 'device_1' and date = $d`,
      { d: '2025-04-03' },
    );
    expect(day.rows).toEqual([{ source: 'batch', health_score: 0.9, days_since_maintenance: 96 }]);
    // Closed, the day is served with the failure model's score of that date (null while it was real-time).
    const model = await s.query(
      `select model_risk_score from unified_device_health where device_id = 'device_1' and date = $d`,
      { d: '2025-04-03' },
    );
    expect(model.rows).toEqual([{ model_risk_score: 0.9 }]);
    const rt = await s.query(
      `select date, days_since_maintenance from unified_device_health where device_id = 'device_1' and source = 'realtime'`,
    );
    expect(rt.rows).toEqual([{ date: '2025-04-04', days_since_maintenance: 97 }]);
  });

  it('incremental refreshes after a seeded interleaving of ingest, publish and refresh steps equal a full rebuild', async () => {
    const s = await openFixture();
    await s.refresh();
    let seed = 7;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    for (let step = 0; step < 30; step++) {
      const device = `device_${1 + Math.floor(random() * 3)}`;
      const day = 2 + Math.floor(random() * 3);
      const hour = String(Math.floor(random() * 24)).padStart(2, '0');
      const ts = `2025-04-0${day}T${hour}:${String(step).padStart(2, '0')}:00Z`;
      const kind = step % 5;
      if (kind === 0) {
        await s.write({
          anomalies: [
            {
              device_id: device,
              timestamp: ts,
              anomaly_type: 'high_vibration',
              severity: random() < 0.5 ? 'high' : 'critical',
              description: 'x',
              is_confirmed: random() < 0.3,
              confirmed_by: null,
            },
          ],
        });
      } else if (kind === 1) {
        await s.write({
          realtime: [
            {
              device_id: device,
              date: `2025-04-0${day}`,
              readings: 10 + step,
              avg_energy: 2,
              max_temp: 30,
              min_health_score: random(),
              vibration_anomalies: step,
              avg_signal_strength: 80,
              newest_event_time: ts,
            },
          ],
        });
      } else if (kind === 2) {
        await s.write({
          reviews: [
            {
              device_id: 'device_1',
              timestamp: '2025-04-02T10:00:00Z',
              anomaly_type: 'high_temperature',
              action: random() < 0.5 ? 'confirm' : 'dismiss',
              reviewer: 'r',
              comment: null,
              reviewed_at: ts,
            },
          ],
        });
      } else if (kind === 3) {
        // A publish: a new Gold snapshot that closes one more date (or the same one again).
        await s.loadGold(fixture.gold, {
          ...fixture.watermark,
          closedThrough: `2025-04-0${2 + (step % 2)}`,
          snapshotId: 2000 + step,
        });
      } else {
        await s.refresh();
      }
    }
    await s.refresh();
    const incremental = [await rowsOf(s, 'unified_device_health'), await rowsOf(s, 'anomaly_rollup')];
    await s.refresh(undefined, { full: true });
    expect([await rowsOf(s, 'unified_device_health'), await rowsOf(s, 'anomaly_rollup')]).toEqual(
      incremental,
    );
  });

  it('keeps LAMBDA_IOT_SERVING_RETENTION_DAYS days back from the newest event date served', async () => {
    const s = await openFixture({ LAMBDA_IOT_SERVING_RETENTION_DAYS: '2' });
    await s.refresh();
    const dates = await s.query('select distinct date from unified_device_health order by date');
    expect(dates.rows).toEqual([{ date: '2025-04-03' }, { date: '2025-04-04' }]);
    const oldest = await s.query('select min(cast("timestamp" as date)) as d from anomalies_streaming');
    expect(oldest.rows).toEqual([{ d: '2025-04-03' }]);
  });
});
