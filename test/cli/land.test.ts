import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openLog } from '../../src/bus/openLog.js';
import { loadConfig } from '../../src/config/config.js';
import { GROUPS, topicName } from '../../src/config/names.js';
import { openLakeReader } from '../../src/lake/lakeReader.js';
import { openObjectStore } from '../../src/store/openObjectStore.js';
import { runCli, tempDataDir } from '../support/cli.js';
import { kafkaForTests, randomPrefix, requireService } from '../support/services.js';

const SIMULATE = ['simulate', '--devices', '3', '--days', '2', '--seed', '5'];

async function lakeCounts(dataDir: string) {
  const config = loadConfig({ LAMBDA_IOT_DATA_DIR: dataDir });
  const store = await openObjectStore(config);
  const lake = await openLakeReader(store, { dataDir });
  try {
    const [telemetry] = await lake.query<{ rows: number; distinct: number }>(
      'SELECT count(*) AS rows, count(DISTINCT (source_partition, source_offset)) AS distinct FROM raw_telemetry',
    );
    const [events] = await lake.query<{ rows: number; distinct: number }>(
      'SELECT count(*) AS rows, count(DISTINCT (source_partition, source_offset)) AS distinct FROM raw_events',
    );
    return { telemetry: telemetry!, events: events! };
  } finally {
    lake.close();
    await store.close();
  }
}

describe('lambda-iot land', () => {
  it('after a crash between writing a file and committing, a restart lands every message exactly once', async () => {
    const dataDir = tempDataDir('land-crash');
    const env = { LAMBDA_IOT_DATA_DIR: dataDir, LAMBDA_IOT_LAND_FILE_ROWS: '500' };
    const simulated = await runCli([...SIMULATE, '--json'], env);
    expect(simulated.code, simulated.stderr).toBe(0);
    const produced = JSON.parse(simulated.stdout).produced as { telemetry: number; events: number };

    const crashed = await runCli(['land', '--until-idle', '1s'], {
      ...env,
      LAMBDA_IOT_TEST_CRASH_AT: 'land:after-put',
      LAMBDA_IOT_TEST_CRASH_AFTER: '3',
    });
    expect(crashed.signal).toBe('SIGKILL');
    expect(crashed.stderr).toContain('crash hook fired: land:after-put');

    const restarted = await runCli(['land', '--until-idle', '1s', '--json'], env);
    expect(restarted.code, restarted.stderr).toBe(0);
    const stats = JSON.parse(restarted.stdout);
    // The three files written before the crash were not committed; the restart starts after them anyway.
    const resumedFromLake = stats.resumedFrom.filter(
      (r: { lake?: number; committed: number }) => r.lake !== undefined && r.lake > r.committed,
    );
    expect(resumedFromLake.length).toBeGreaterThan(0);

    const counts = await lakeCounts(dataDir);
    expect(counts.telemetry).toEqual({ rows: produced.telemetry, distinct: produced.telemetry });
    expect(counts.events).toEqual({ rows: produced.events, distinct: produced.events });

    const ls = await runCli(['lake', 'ls', '--json'], env);
    expect(ls.code, ls.stderr).toBe(0);
    const summary = JSON.parse(ls.stdout);
    expect(summary.totals.rows).toBe(produced.telemetry + produced.events);
    const human = await runCli(['lake', 'ls', '--prefix', 'raw/events/'], env);
    expect(human.stdout).toMatch(/raw\/events\/date=2025-04-01\/\s+\d+\s+\d+\s+[\d.]+ KiB/);
    expect(human.stdout).not.toContain('raw/telemetry');
  }, 180_000);

  it('removes the temporary file a killed land left half-written, and lands every message once', async () => {
    const dataDir = tempDataDir('land-tmp');
    const env = { LAMBDA_IOT_DATA_DIR: dataDir, LAMBDA_IOT_LAND_FILE_ROWS: '500' };
    const simulated = await runCli([...SIMULATE, '--json'], env);
    expect(simulated.code, simulated.stderr).toBe(0);
    const produced = JSON.parse(simulated.stdout).produced as { telemetry: number; events: number };
    const crashed = await runCli(['land', '--until-idle', '1s'], {
      ...env,
      LAMBDA_IOT_TEST_CRASH_AT: 'store:before-rename',
      LAMBDA_IOT_TEST_CRASH_AFTER: '2',
    });
    expect(crashed.signal).toBe('SIGKILL');
    const temporaries = () =>
      (fs.readdirSync(path.join(dataDir, 'lake'), { recursive: true }) as string[]).filter((f) =>
        path.basename(f).startsWith('.lake-tmp.'),
      );
    const left = temporaries();
    expect(left).toHaveLength(1);
    const restarted = await runCli(['land', '--until-idle', '1s'], env);
    expect(restarted.code, restarted.stderr).toBe(0);
    expect(restarted.stderr).toContain(
      `removed 1 temporary file(s) left in the lake by killed processes: ${left[0]!.split(path.sep).join('/')}`,
    );
    expect(temporaries()).toEqual([]);
    const counts = await lakeCounts(dataDir);
    expect(counts.telemetry).toEqual({ rows: produced.telemetry, distinct: produced.telemetry });
    expect(counts.events).toEqual({ rows: produced.events, distinct: produced.events });
  }, 180_000);

  it('anomalies: after a crash between writing a file and committing, a restart lands each one exactly once', async () => {
    const dataDir = tempDataDir('land-anomalies');
    const env = { LAMBDA_IOT_DATA_DIR: dataDir, LAMBDA_IOT_LAND_FILE_ROWS: '40' };
    const config = loadConfig(env);
    const topic = topicName(config, 'anomalies');
    // 8 devices × 60 anomalies, one every 40 minutes from 2025-04-01 10:00: three event dates.
    const T0 = Date.UTC(2025, 3, 1, 10);
    const messages = [];
    for (let i = 0; i < 60; i++) {
      for (let d = 0; d < 8; d++) {
        const ms = T0 + i * 40 * 60_000;
        const anomaly = {
          device_id: `device_${d}`,
          timestamp: new Date(ms).toISOString().replace('.000Z', 'Z'),
          anomaly_type: i % 2 === 0 ? 'high_temperature' : 'high_vibration',
          severity: 'high',
          description: 'seen in a test',
          is_confirmed: i % 3 === 0,
          confirmed_by: i % 3 === 0 ? 'system' : null,
        };
        messages.push({ key: anomaly.device_id, value: JSON.stringify(anomaly), timestamp: ms });
      }
    }
    const log = await openLog(config);
    try {
      await log.produce(topic, messages);
    } finally {
      await log.close();
    }

    const crashed = await runCli(['land', '--until-idle', '1s'], {
      ...env,
      LAMBDA_IOT_TEST_CRASH_AT: 'land:after-put',
      LAMBDA_IOT_TEST_CRASH_AFTER: '3',
    });
    expect(crashed.signal).toBe('SIGKILL');
    expect(crashed.stderr).toContain('crash hook fired: land:after-put');
    const restarted = await runCli(['land', '--until-idle', '1s', '--json'], env);
    expect(restarted.code, restarted.stderr).toBe(0);
    const stats = JSON.parse(restarted.stdout);
    const resumedFromLake = stats.resumedFrom.filter(
      (r: { topic: string; lake?: number; committed: number }) =>
        r.topic === topic && r.lake !== undefined && r.lake > r.committed,
    );
    expect(resumedFromLake.length).toBeGreaterThan(0);

    const store = await openObjectStore(config);
    const lake = await openLakeReader(store, { dataDir });
    try {
      const counts = await lake.query(
        `SELECT count(*) AS rows, count(DISTINCT (source_partition, source_offset)) AS distinct,
                count(*) FILTER (WHERE is_confirmed) AS confirmed, min(strftime("timestamp", '%Y-%m-%d')) AS first_date
         FROM raw_anomalies`,
      );
      expect(counts).toEqual([{ rows: 480, distinct: 480, confirmed: 160, first_date: '2025-04-01' }]);
    } finally {
      lake.close();
      await store.close();
    }
    const after = await openLog(config);
    try {
      const committed = await after.committedOffsets(GROUPS.landing, topic);
      expect([...committed.values()].reduce((a, b) => a + b, 0)).toBe(480);
    } finally {
      await after.close();
    }
    const human = await runCli(['lake', 'ls', '--prefix', 'raw/anomalies/'], env);
    expect(human.stdout).toMatch(/raw\/anomalies\/date=2025-04-03\/\s+\d+\s+\d+\s+[\d.]+ KiB/);
  }, 180_000);

  it('rules tune --source lake prints the same table as from the log', async () => {
    const dataDir = tempDataDir('land-tune');
    const env = { LAMBDA_IOT_DATA_DIR: dataDir };
    expect((await runCli(SIMULATE, env)).code).toBe(0);
    expect((await runCli(['land', '--until-idle', '1s'], env)).code).toBe(0);
    const tune = ['rules', 'tune', '--metric', 'temperature', '--range', '26:30:1'];
    const fromLog = await runCli(tune, env);
    const fromLake = await runCli([...tune, '--source', 'lake'], env);
    expect(fromLog.code, fromLog.stderr).toBe(0);
    expect(fromLake.code, fromLake.stderr).toBe(0);
    const table = (out: string) => out.slice(out.indexOf('\n\n'));
    expect(fromLake.stdout.split('\n')[0]).toMatch(/^high_temperature on lake local /);
    expect(table(fromLake.stdout)).toBe(table(fromLog.stdout));
    expect(table(fromLake.stdout)).toMatch(/temperature >/);
  }, 180_000);

  it('rejects a bad --prefix with the reason and writes nothing', async () => {
    const result = await runCli(['lake', 'ls', '--prefix', '../../etc'], {
      LAMBDA_IOT_DATA_DIR: tempDataDir('lake-ls'),
    });
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/lake key part rejected: '\.\.'/);
  });

  it('refuses to land a reset log into the old lake, naming both logs; --new-log lands it beside the old one', async () => {
    const dataDir = tempDataDir('land-reset');
    const env = { LAMBDA_IOT_DATA_DIR: dataDir, LAMBDA_IOT_BUS: 'embedded' };
    const first = await runCli([...SIMULATE, '--json'], env);
    expect(first.code, first.stderr).toBe(0);
    expect((await runCli(['land', '--until-idle', '1s'], env)).code).toBe(0);
    const one = JSON.parse(first.stdout).produced as { telemetry: number; events: number };

    // The log is reset: its database is removed and another plant is simulated into a new one.
    fs.rmSync(path.join(dataDir, 'log'), { recursive: true, force: true });
    // another plant on the lake's dates: --again, since the one-plant check refuses it otherwise
    const second = await runCli(
      ['simulate', '--devices', '2', '--days', '1', '--seed', '6', '--again', '--json'],
      env,
    );
    expect(second.code, second.stderr).toBe(0);
    const two = JSON.parse(second.stdout).produced as { telemetry: number; events: number };
    expect(two.telemetry).toBeGreaterThan(0);

    const refused = await runCli(['land', '--until-idle', '1s'], env);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(
      /lake log mismatch: the lake was landed from embedded log [0-9a-f]{16} \(recorded in landing\/logs\.json\), but this log is embedded log [0-9a-f]{16}\./,
    );
    expect(refused.stderr).toContain('fresh lake');
    expect(refused.stderr).toContain("'lambda-iot land --new-log'");

    const landed = await runCli(['land', '--until-idle', '1s', '--new-log', '--json'], env);
    expect(landed.code, landed.stderr).toBe(0);
    expect(JSON.parse(landed.stdout).log.folder).toBe('2');
    const config = loadConfig(env);
    const store = await openObjectStore(config);
    const lake = await openLakeReader(store, { dataDir });
    try {
      // Nothing lost, nothing twice: per log, distinct (partition, offset) = rows = messages.
      for (const [kind, view] of [
        ['telemetry', 'raw_telemetry'],
        ['events', 'raw_events'],
      ] as const) {
        const byLog = async (log: string | undefined) => {
          const keys = lake.files[kind].filter((f) => f.landed?.log === log).map((f) => f.key);
          if (keys.length === 0) return { rows: 0, distinct: 0 };
          const [row] = await lake.query<{ rows: number; distinct: number }>(
            `SELECT count(*) AS rows, count(DISTINCT (source_partition, source_offset)) AS distinct FROM ${lake.source(keys)}`,
          );
          return row;
        };
        expect(await byLog(undefined)).toEqual({ rows: one[kind], distinct: one[kind] });
        expect(await byLog('2')).toEqual({ rows: two[kind], distinct: two[kind] });
        const [all] = await lake.query<{ rows: number }>(`SELECT count(*) AS rows FROM ${view}`);
        expect(all!.rows).toBe(one[kind] + two[kind]);
      }
    } finally {
      lake.close();
      await store.close();
    }
  }, 240_000);
});

const kafka = await kafkaForTests();
describe.runIf(
  requireService('Kafka (librdkafka mock cluster)', kafka !== undefined, 'set LAMBDA_IOT_TEST_KAFKA_BROKERS'),
)('lambda-iot land, embedded then Kafka', () => {
  it('refuses to land a Kafka log into a lake landed from the embedded log', async () => {
    const dataDir = tempDataDir('land-switch');
    const env = { LAMBDA_IOT_DATA_DIR: dataDir, LAMBDA_IOT_BUS: 'embedded' };
    expect((await runCli(SIMULATE, env)).code).toBe(0);
    expect((await runCli(['land', '--until-idle', '1s'], env)).code).toBe(0);
    const before = fs.readdirSync(path.join(dataDir, 'lake', 'raw'), { recursive: true }).sort();

    const onKafka = {
      ...env,
      LAMBDA_IOT_BUS: 'kafka',
      LAMBDA_IOT_KAFKA_BROKERS: kafka!.brokers,
      LAMBDA_IOT_NAME_PREFIX: randomPrefix(),
      LAMBDA_IOT_SESSION_TIMEOUT_MS: '6000',
    };
    const refused = await runCli(['land', '--until-idle', '1s'], onKafka);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(
      /lake log mismatch: the lake was landed from embedded log [0-9a-f]{16} .*, but this log is kafka cluster \S+\./,
    );
    expect(fs.readdirSync(path.join(dataDir, 'lake', 'raw'), { recursive: true }).sort()).toEqual(before);
  }, 240_000);
});
