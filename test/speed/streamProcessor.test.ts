import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { openLog } from '../../src/bus/openLog.js';
import { describeLogIdentity, type Log, type LogRecord } from '../../src/bus/port.js';
import { loadConfig } from '../../src/config/config.js';
import { LogError } from '../../src/errors.js';
import { DEFAULT_FROM_MS } from '../../src/ingest/index.js';
import { simulateToLog } from '../../src/pipeline/simulateToLog.js';
import { DeadLetter } from '../../src/schema/deadLetter.js';
import { DeviceDayHealth } from '../../src/schema/deviceDayHealth.js';
import { checkpointFile } from '../../src/speed/checkpoint.js';
import { referenceRules } from '../../src/speed/ruleSet.js';
import { runStreamProcessor } from '../../src/speed/streamProcessor.js';
import { DAY_MS } from '../../src/time/utcTime.js';
import { runCli, tempDataDir } from '../support/cli.js';
import { kafkaForTests, randomPrefix, requireService } from '../support/services.js';

async function readTopic(log: Log, topic: string): Promise<LogRecord[]> {
  const ends = await log.partitionOffsets(topic);
  const total = ends.reduce((s, p) => s + p.endOffset - p.startOffset, 0);
  const consumer = await log.consumer({ topics: [topic], fromBeginning: true });
  const out: LogRecord[] = [];
  for (let i = 0; i < 400 && out.length < total; i++) out.push(...(await consumer.poll({ maxWaitMs: 200 })));
  await consumer.close();
  return out;
}

/** Anomalies deduplicated by identity (device_id, timestamp, anomaly_type) → their full JSON. */
async function anomalySet(env: Record<string, string>): Promise<Map<string, string>> {
  const config = loadConfig(env);
  const log = await openLog(config);
  try {
    const records = await readTopic(log, `${config.namePrefix}iot-anomalies`);
    const out = new Map<string, string>();
    for (const r of records) {
      const a = JSON.parse(r.value.toString());
      const id = JSON.stringify([a.device_id, a.timestamp, a.anomaly_type]);
      const previous = out.get(id);
      if (previous !== undefined) expect(previous).toBe(r.value.toString()); // a repeat is the same anomaly
      out.set(id, r.value.toString());
    }
    return out;
  } finally {
    await log.close();
  }
}

/** The newest iot-device-health-rt value per (device_id, date), each checked against the contract. */
async function realtimeRows(env: Record<string, string>): Promise<Map<string, string>> {
  const config = loadConfig(env);
  const log = await openLog(config);
  try {
    const records = await readTopic(log, `${config.namePrefix}iot-device-health-rt`);
    records.sort((a, b) => a.partition - b.partition || a.offset - b.offset);
    const out = new Map<string, string>();
    for (const r of records) {
      const row = DeviceDayHealth.parse(JSON.parse(r.value.toString()));
      expect(r.key).toBe(row.device_id);
      out.set(JSON.stringify([row.device_id, row.date]), r.value.toString());
    }
    return out;
  } finally {
    await log.close();
  }
}

/** Readings of the first simulated day appended after the whole history: late for a one-day real-time view. */
const LATE_READINGS = [1, 2, 3].map((n) => ({
  key: `device_${n}`,
  value: JSON.stringify({
    device_id: `device_${n}`,
    timestamp: '2025-04-01T12:00:30Z',
    energy_usage: 9.99,
    temperature: 99,
    vibration: 9,
    signal_strength: 1,
  }),
  timestamp: DEFAULT_FROM_MS,
}));

async function simulate(env: Record<string, string>) {
  const config = loadConfig(env);
  const log = await openLog(config);
  await simulateToLog({
    log,
    config,
    logTarget: 'test',
    simulation: {
      devices: 6,
      seed: 42,
      fromMs: DEFAULT_FROM_MS,
      toMs: DEFAULT_FROM_MS + 2 * DAY_MS,
      cadenceMs: 60_000,
      profile: 'degrading',
    },
  });
  await log.produce(`${config.namePrefix}iot-telemetry`, LATE_READINGS);
  await log.close();
}

function describeEquivalence(bus: string, base: () => Promise<Record<string, string>>) {
  describe(`speed layer kill-and-restart on ${bus}`, () => {
    it.each(['stream:after-publish', 'stream:after-handle'])(
      'crashing at %s and restarting gives the same anomalies and real-time rows as an uninterrupted run',
      async (crashAt) => {
        // a one-day real-time view, so dates are evicted and the late readings are late
        const common = { ...(await base()), LAMBDA_IOT_REALTIME_DAYS: '1' };
        const whole = {
          ...common,
          LAMBDA_IOT_DATA_DIR: tempDataDir('speed-whole'),
          LAMBDA_IOT_NAME_PREFIX: randomPrefix(),
        };
        const broken = {
          ...common,
          LAMBDA_IOT_DATA_DIR: tempDataDir('speed-broken'),
          LAMBDA_IOT_NAME_PREFIX: randomPrefix(),
          // a commit point after every batch, so the crash hook meets several
          LAMBDA_IOT_SPEED_COMMIT_INTERVAL_MS: '0',
        };
        await simulate(whole);
        await simulate(broken);
        const args = ['stream', '--until-idle', '3s', '--json'];
        const uninterrupted = await runCli(args, whole);
        expect(uninterrupted.code, uninterrupted.stderr).toBe(0);
        const crashed = await runCli(args, {
          ...broken,
          LAMBDA_IOT_TEST_CRASH_AT: crashAt,
          LAMBDA_IOT_TEST_CRASH_AFTER: '4',
        });
        expect(crashed.signal).toBe('SIGKILL');
        expect(crashed.stderr).toContain(`crash hook fired: ${crashAt}`);
        const resumed = await runCli(args, broken);
        expect(resumed.code, resumed.stderr).toBe(0);
        expect(JSON.parse(resumed.stdout).resumedFromCheckpoint).toBe(true);

        const expected = await anomalySet(whole);
        const got = await anomalySet(broken);
        expect(expected.size).toBeGreaterThan(50);
        expect([...expected.values()].some((a) => a.includes('"is_confirmed":true'))).toBe(true);
        expect([...got.keys()].sort()).toEqual([...expected.keys()].sort());
        expect(got).toEqual(expected); // content too: severities, descriptions, auto-confirmations

        expect(JSON.parse(uninterrupted.stdout).lateForRealtime).toBe(LATE_READINGS.length);
        const expectedRows = await realtimeRows(whole);
        const gotRows = await realtimeRows(broken);
        expect([...expectedRows.keys()].sort()).toEqual(
          [1, 2, 3, 4, 5, 6].flatMap((n) =>
            ['2025-04-01', '2025-04-02'].map((date) => JSON.stringify([`device_${n}`, date])),
          ),
        );
        expect(gotRows).toEqual(expectedRows);
        // the late readings (temperature 99) changed nothing
        expect([...expectedRows.values()].some((v) => v.includes('"max_temp":99'))).toBe(false);
      },
    );
  });
}

describeEquivalence('the embedded log', async () => ({ LAMBDA_IOT_BUS: 'embedded' }));

const kafka = await kafkaForTests();
if (
  requireService(
    'Kafka (librdkafka mock cluster)',
    kafka !== undefined,
    'install Debian kcat or set LAMBDA_IOT_TEST_KAFKA_BROKERS',
  )
) {
  describeEquivalence('kafka (librdkafka mock)', async () => ({
    LAMBDA_IOT_BUS: 'kafka',
    LAMBDA_IOT_KAFKA_BROKERS: kafka!.brokers,
    LAMBDA_IOT_SESSION_TIMEOUT_MS: '6000',
  }));
}

describe('speed layer bad input', () => {
  it('dead-letters every class of bad message with its reason and keeps going', async () => {
    const env = { LAMBDA_IOT_DATA_DIR: tempDataDir('speed-dlq'), LAMBDA_IOT_BUS: 'embedded' };
    const config = loadConfig(env);
    const log = await openLog(config);
    const good = {
      device_id: 'device_1',
      timestamp: '2025-04-01T00:00:00Z',
      energy_usage: 2,
      temperature: 29.5,
      vibration: 0.5,
      signal_strength: 90,
    };
    const bad: [string, string | Buffer, RegExp][] = [
      ['not JSON', '{"device_id": "device_1", ', /not JSON/],
      ['binary', Buffer.from([0xff, 0xfe, 0x00]), /not JSON/],
      ['missing field', JSON.stringify({ ...good, temperature: undefined }), /temperature/],
      ['wrong type', JSON.stringify({ ...good, vibration: 'high' }), /vibration.*number/],
      ['NaN/Infinity', JSON.stringify(good).replace('29.5', '1e400'), /temperature/],
      ['out of range', JSON.stringify({ ...good, signal_strength: 250 }), /signal_strength/],
      ['unparsable timestamp', JSON.stringify({ ...good, timestamp: 'yesterday' }), /timestamp/],
      [
        'far-future timestamp',
        JSON.stringify({ ...good, timestamp: '2999-01-01T00:00:00Z' }),
        /far in the future/,
      ],
      ['oversized', JSON.stringify({ ...good, device_id: 'd'.repeat(70_000) }), /oversized/],
      ['a JSON array', '[1,2,3]', /not a JSON object/],
      ['null', 'null', /not a JSON object/],
    ];
    await log.produce('iot-telemetry', [
      ...bad.map(([, value], i) => ({ key: `device_${i}`, value, timestamp: DEFAULT_FROM_MS })),
      { key: 'device_1', value: JSON.stringify(good), timestamp: DEFAULT_FROM_MS },
    ]);
    const stats = await runStreamProcessor({
      log,
      config,
      rules: referenceRules(),
      idleMs: 500,
    });
    expect(stats).toMatchObject({ read: bad.length + 1, deadLettered: bad.length, anomalies: 1 });
    const letters = (await readTopic(log, 'iot-dlq')).map((r) =>
      DeadLetter.parse(JSON.parse(r.value.toString())),
    );
    expect(letters).toHaveLength(bad.length);
    for (const [i, [label, , reason]] of bad.entries()) {
      const letter = letters.find((l) => l.source.key === `device_${i}`)!;
      expect(letter.reason, label).toMatch(reason);
      expect(letter.consumer).toBe('lambda_streaming_anomalies');
    }
    expect(letters.find((l) => l.source.key === 'device_1')?.payload_encoding).toBe('base64');
    const anomalies = await readTopic(log, 'iot-anomalies');
    expect(JSON.parse(anomalies[0]!.value.toString())).toMatchObject({
      device_id: 'device_1',
      anomaly_type: 'high_temperature',
    });
    expect((await log.committedOffsets('lambda_streaming_anomalies', 'iot-telemetry')).size).toBeGreaterThan(
      0,
    );
    await log.close();
  });
});

describe('speed layer robustness', () => {
  it('survives arbitrary message content: every message is either evaluated or dead-lettered', async () => {
    const env = { LAMBDA_IOT_DATA_DIR: tempDataDir('speed-fuzz'), LAMBDA_IOT_BUS: 'embedded' };
    const config = loadConfig(env);
    const log = await openLog(config);
    let seed = 12345;
    const next = () => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed / 2 ** 32;
    };
    const weird = [
      null,
      true,
      -0,
      1e308,
      -1e308,
      'NaN',
      '',
      '\u0000',
      '𝔡𝔢𝔳',
      [],
      {},
      2 ** 53 + 1,
      '2025-04-01T00:00:00Z',
    ];
    const pick = <T>(xs: T[]) => xs[Math.floor(next() * xs.length)]!;
    const fields = [
      'device_id',
      'timestamp',
      'energy_usage',
      'temperature',
      'vibration',
      'signal_strength',
      '__proto__',
      'constructor',
    ];
    const payloads: (string | Buffer)[] = [];
    for (let i = 0; i < 400; i++) {
      const kind = i % 4;
      if (kind === 0)
        payloads.push(
          Buffer.from(Array.from({ length: Math.floor(next() * 64) }, () => Math.floor(next() * 256))),
        );
      else if (kind === 1) {
        const o: Record<string, unknown> = {};
        for (const f of fields) if (next() < 0.7) o[f] = pick(weird);
        payloads.push(JSON.stringify(o));
      } else if (kind === 2) {
        const o = {
          device_id: `device_${i}`,
          timestamp: '2025-04-01T00:00:00Z',
          energy_usage: next() * 10,
          temperature: 20 + next() * 20,
          vibration: next() * 6,
          signal_strength: Math.round(next() * 100),
        };
        payloads.push(JSON.stringify(o));
      } else payloads.push(`{"device_id": "x", "nested": ${'['.repeat(200)}${']'.repeat(200)}}`);
    }
    await log.produce(
      'iot-telemetry',
      payloads.map((value, i) => ({
        key: i % 7 === 0 ? null : `k${i % 13}`,
        value,
        timestamp: DEFAULT_FROM_MS + i,
      })),
    );
    const stats = await runStreamProcessor({
      log,
      config,
      rules: referenceRules(),
      idleMs: 500,
    });
    expect(stats.read).toBe(payloads.length);
    expect(stats.deadLettered).toBe(300); // the 100 well-formed readings are evaluated, the rest rejected
    expect((await readTopic(log, 'iot-dlq')).length).toBe(300);
    await log.close();
  });
});

describe('speed layer real-time view', () => {
  it('publishes the changed device-day rows, counts late readings, and loads a checkpoint written before the view existed', async () => {
    const env = {
      LAMBDA_IOT_DATA_DIR: tempDataDir('speed-view'),
      LAMBDA_IOT_BUS: 'embedded',
      LAMBDA_IOT_REALTIME_DAYS: '2',
      LAMBDA_IOT_VIBRATION_THRESHOLD: '4',
    };
    const config = loadConfig(env);
    const log = await openLog(config);
    const reading = (timestamp: string, vibration: number) => ({
      key: 'device_1',
      value: JSON.stringify({
        device_id: 'device_1',
        timestamp,
        energy_usage: 1.25,
        temperature: 20,
        vibration,
        signal_strength: 80,
      }),
      timestamp: DEFAULT_FROM_MS,
    });
    const run = () => runStreamProcessor({ log, config, rules: referenceRules(), idleMs: 500 });
    await log.produce('iot-telemetry', [
      reading('2025-04-01T01:00:00Z', 3.5),
      reading('2025-04-02T01:00:00Z', 4.5),
      reading('2025-04-03T01:00:00Z', 1),
      reading('2025-04-01T02:00:00Z', 9), // 04-01 has left the two-day window
    ]);
    const first = await run();
    expect(first).toMatchObject({ read: 4, lateForRealtime: 1, realtimeRows: 3 });
    const rows = (await readTopic(log, 'iot-device-health-rt')).map((r) => JSON.parse(r.value.toString()));
    expect(rows.map((r) => [r.date, r.readings, r.vibration_anomalies, r.avg_energy])).toEqual([
      ['2025-04-01', 1, 0, 1.25],
      ['2025-04-02', 1, 1, 1.25], // 4.5 > LAMBDA_IOT_VIBRATION_THRESHOLD 4
      ['2025-04-03', 1, 0, 1.25],
    ]);

    // a checkpoint from before the view: it still loads, and the view starts empty
    const file = checkpointFile(
      config,
      'lambda_streaming_anomalies',
      describeLogIdentity(await log.identity()),
    );
    const saved = JSON.parse(fs.readFileSync(file, 'utf8'));
    expect(saved.view.devices.device_1).toHaveProperty('2025-04-03');
    delete saved.view;
    fs.writeFileSync(file, JSON.stringify(saved));
    await log.produce('iot-telemetry', [reading('2025-04-03T02:00:00Z', 1)]);
    const second = await run();
    expect(second).toMatchObject({
      read: 1,
      resumedFromCheckpoint: true,
      lateForRealtime: 0,
      realtimeRows: 1,
    });
    const last = JSON.parse((await readTopic(log, 'iot-device-health-rt')).at(-1)!.value.toString());
    expect(last).toMatchObject({
      date: '2025-04-03',
      readings: 1,
      newest_event_time: '2025-04-03T02:00:00Z',
    });
    await log.close();
  });
});

describe('speed layer checkpoint against the log', () => {
  it('a log error while checking the checkpoint propagates and keeps it; only a checkpoint ahead of the log is discarded', async () => {
    const env = { LAMBDA_IOT_DATA_DIR: tempDataDir('speed-fits'), LAMBDA_IOT_BUS: 'embedded' };
    const config = loadConfig(env);
    const log = await openLog(config);
    const reading = {
      key: 'device_1',
      value: JSON.stringify({
        device_id: 'device_1',
        timestamp: '2025-04-01T01:00:00Z',
        energy_usage: 1.25,
        temperature: 20,
        vibration: 1,
        signal_strength: 80,
      }),
      timestamp: DEFAULT_FROM_MS,
    };
    await log.produce('iot-telemetry', [reading, reading]);
    const warnings: string[] = [];
    const run = (on: Log) =>
      runStreamProcessor({
        log: on,
        config,
        rules: referenceRules(),
        idleMs: 300,
        onWarning: (w) => warnings.push(w),
      });
    expect(await run(log)).toMatchObject({ read: 2, resumedFromCheckpoint: false });
    const file = checkpointFile(
      config,
      'lambda_streaming_anomalies',
      describeLogIdentity(await log.identity()),
    );
    const written = fs.readFileSync(file, 'utf8');

    // A transient failure reading the partition ends: the run fails with it, the checkpoint stays.
    const flaky = new Proxy(log, {
      get(target, prop, receiver) {
        if (prop === 'partitionOffsets')
          return async () => Promise.reject(new LogError('log offsets of iot-telemetry: broker away'));
        const value = Reflect.get(target, prop, receiver);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    await expect(run(flaky)).rejects.toThrow('broker away');
    expect(warnings).toEqual([]);
    expect(fs.readFileSync(file, 'utf8')).toBe(written);
    await log.produce('iot-telemetry', [reading]);
    expect(await run(log)).toMatchObject({ read: 1, resumedFromCheckpoint: true });

    // A checkpoint beyond the end of the log (a reset log): discarded with the warning.
    const ahead = JSON.parse(fs.readFileSync(file, 'utf8'));
    ahead.offsets = ahead.offsets.map((o: { offset: number }) => ({ ...o, offset: o.offset + 100 }));
    fs.writeFileSync(file, JSON.stringify(ahead));
    expect(await run(log)).toMatchObject({ resumedFromCheckpoint: false });
    expect(warnings).toEqual([expect.stringContaining('is ahead of the log (was the log reset?)')]);
    await log.close();
  });
});
