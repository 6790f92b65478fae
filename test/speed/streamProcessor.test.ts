import { describe, expect, it } from 'vitest';
import { openLog } from '../../src/bus/openLog.js';
import type { Log, LogRecord } from '../../src/bus/port.js';
import { loadConfig } from '../../src/config/config.js';
import { DEFAULT_FROM_MS } from '../../src/ingest/index.js';
import { simulateToLog } from '../../src/pipeline/simulateToLog.js';
import { DeadLetter } from '../../src/schema/deadLetter.js';
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
  await log.close();
}

function describeEquivalence(bus: string, base: () => Promise<Record<string, string>>) {
  describe(`speed layer kill-and-restart on ${bus}`, () => {
    it.each(['stream:after-publish', 'stream:after-handle'])(
      'crashing at %s and restarting gives the same anomalies as an uninterrupted run',
      async (crashAt) => {
        const common = await base();
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
      logTarget: 'test',
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
      logTarget: 'fuzz',
      idleMs: 500,
    });
    expect(stats.read).toBe(payloads.length);
    expect(stats.deadLettered).toBe(300); // the 100 well-formed readings are evaluated, the rest rejected
    expect((await readTopic(log, 'iot-dlq')).length).toBe(300);
    await log.close();
  });
});
