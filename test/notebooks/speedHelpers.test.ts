import fs from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openLog } from '../../src/bus/openLog.js';
import type { Log } from '../../src/bus/port.js';
import { loadConfig } from '../../src/config/config.js';
import { InvalidArgumentError } from '../../src/errors.js';
import {
  cacheHistory,
  pickAutoConfirmation,
  readAnomalies,
  tabulateAnomalyCounts,
  tabulateAnomalySummary,
  tabulateBacktests,
  tabulateBudgets,
  tabulateRuleSet,
  tabulateStreamStats,
  tabulateSweep,
} from '../../src/index.js';
import type { Anomaly } from '../../src/schema/index.js';
import type { AnomalySummary } from '../../src/speed/anomalySummary.js';
import { referenceRules } from '../../src/speed/ruleSet.js';
import type { StreamStats } from '../../src/speed/streamProcessor.js';
import {
  backtestRules,
  type HistoryItem,
  type HistorySource,
  historyFromArrays,
  sweepThreshold,
} from '../../src/speed/tuning/index.js';
import { formatUtc, HOUR_MS } from '../../src/time/utcTime.js';
import { tempDataDir } from '../support/cli.js';

const T0 = Date.UTC(2025, 3, 1);
const MINUTE = 60_000;

function makeAnomaly(device: string, ms: number, overrides: Partial<Anomaly> = {}): Anomaly {
  return {
    device_id: device,
    timestamp: formatUtc(ms),
    anomaly_type: 'high_vibration',
    severity: 'high',
    description: 'Vibration 3.2 mm/s² (threshold: 3)',
    is_confirmed: false,
    confirmed_by: null,
    ...overrides,
  };
}

/** Two devices; device_1 vibrates above 3 mm/s² for an hour 6 h before its failure. */
function makeHistory(): HistorySource {
  const telemetry = [];
  for (const device of ['device_1', 'device_2'])
    for (let m = 0; m < 2 * 24 * 60; m += 10) {
      const ms = T0 + m * MINUTE;
      const worn = device === 'device_1' && ms >= T0 + 30 * HOUR_MS && ms < T0 + 31 * HOUR_MS;
      telemetry.push({
        device_id: device,
        timestamp: formatUtc(ms),
        energy_usage: 2,
        temperature: 22,
        vibration: worn ? 3.4 : 1,
        signal_strength: 90,
      });
    }
  const events = [
    {
      device_id: 'device_1',
      event_timestamp: formatUtc(T0 + 37 * HOUR_MS),
      event_type: 'failure' as const,
      severity: 'high' as const,
      error_code: 'ERR1234',
      component: 'bearing' as const,
      root_cause: 'wear' as const,
    },
  ];
  return historyFromArrays({ telemetry, events });
}

describe('cacheHistory', () => {
  it('replays the source once and then serves the same items, in order, with its counts', async () => {
    const source = makeHistory();
    let passes = 0;
    const counting: HistorySource = {
      label: source.label,
      stats: source.stats,
      items: () => {
        passes += 1;
        return source.items();
      },
    };
    const cached = await cacheHistory(counting);
    const first: HistoryItem[] = [...(cached.items() as Iterable<HistoryItem>)];
    const second: HistoryItem[] = [...(cached.items() as Iterable<HistoryItem>)];
    expect(passes).toBe(1);
    expect(first).toEqual([...(source.items() as Iterable<HistoryItem>)]);
    expect(second).toEqual(first);
    expect(cached.label).toBe('memory (held in memory)');
    expect(cached.stats).toMatchObject({ telemetry: 576, events: 1, invalid: 0 });
    const horizon = { horizonMs: 24 * HOUR_MS };
    expect((await backtestRules(cached, referenceRules(), horizon)).score).toEqual(
      (await backtestRules(makeHistory(), referenceRules(), horizon)).score,
    );
  });
});

describe('readAnomalies', () => {
  let dir: string;
  let log: Log;
  beforeEach(async () => {
    dir = tempDataDir('read-anomalies');
    log = await openLog(loadConfig({ LAMBDA_IOT_DATA_DIR: dir }));
  });
  afterEach(async () => {
    await log.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('reads the topic without a group: valid anomalies once each, in event-time order', async () => {
    await log.ensureTopic('iot-anomalies');
    const late = makeAnomaly('device_2', T0 + 5 * MINUTE);
    const early = makeAnomaly('device_1', T0 + MINUTE);
    const records = [late, early, late].map((a) => ({
      key: a.device_id,
      value: JSON.stringify(a),
      timestamp: Date.parse(a.timestamp),
    }));
    records.push({ key: 'device_1', value: '{"not":"an anomaly"}', timestamp: T0 });
    await log.produce('iot-anomalies', records);
    expect(await readAnomalies(log, 'iot-anomalies')).toEqual([early, late]);
  });

  it('returns nothing for a missing or empty topic', async () => {
    expect(await readAnomalies(log, 'no-such-topic')).toEqual([]);
    await log.ensureTopic('empty');
    expect(await readAnomalies(log, 'empty')).toEqual([]);
  });
});

describe('pickAutoConfirmation', () => {
  it('returns the first confirmed anomaly and those of its device and type within the window before it', () => {
    const anomalies = [
      makeAnomaly('device_1', T0),
      makeAnomaly('device_1', T0 + 20 * MINUTE),
      makeAnomaly('device_1', T0 + 30 * MINUTE, { anomaly_type: 'high_temperature' }),
      makeAnomaly('device_2', T0 + 40 * MINUTE),
      makeAnomaly('device_1', T0 + 50 * MINUTE),
      makeAnomaly('device_1', T0 + 60 * MINUTE, { is_confirmed: true, confirmed_by: 'system' }),
    ];
    expect(pickAutoConfirmation(anomalies, { windowMs: HOUR_MS })).toEqual([
      anomalies[1],
      anomalies[4],
      anomalies[5],
    ]);
    expect(() => pickAutoConfirmation(anomalies.slice(0, 5), { windowMs: HOUR_MS })).toThrow(
      InvalidArgumentError,
    );
  });
});

describe('speed-layer tables', () => {
  const summary: AnomalySummary = {
    anomalies: 7,
    repeats: 0,
    confirmed: 3,
    byType: { high_temperature: 2, high_vibration: 5 },
    bySeverity: { high: 6, critical: 1 },
    byTypeAndSeverity: { high_temperature: { high: 1, critical: 1 }, high_vibration: { high: 5 } },
  };

  it('tabulates a rule set with conditions, units, severities and the auto-confirm policy', () => {
    const rows = tabulateRuleSet(referenceRules());
    expect(rows[0]).toEqual({
      anomaly_type: 'high_temperature',
      kind: 'threshold',
      condition: 'temperature > 28 °C',
      severity: 'high; critical > 32 °C',
    });
    expect(rows[3]!.condition).toBe('signal_strength < 30 %');
    expect(rows.at(-1)).toMatchObject({
      kind: 'auto-confirm',
      condition: '3 anomalies of one type on one device within 60 min',
    });
  });

  it('tabulates anomalies by type and severity, with totals, and several topics side by side', () => {
    expect(tabulateAnomalySummary(summary)).toEqual([
      { anomaly_type: 'high_vibration', critical: 0, high: 5, medium: 0, low: 0, total: 5 },
      { anomaly_type: 'high_temperature', critical: 1, high: 1, medium: 0, low: 0, total: 2 },
      { anomaly_type: 'total', critical: 1, high: 6, medium: 0, low: 0, total: 7 },
    ]);
    const fewer = { ...summary, anomalies: 3, confirmed: 1, byType: { high_vibration: 3 } };
    expect(tabulateAnomalyCounts({ a: summary, b: fewer })).toEqual([
      { anomaly_type: 'high_vibration', a: 5, b: 3 },
      { anomaly_type: 'high_temperature', a: 2, b: 0 },
      { anomaly_type: 'auto-confirmed (of all types)', a: 3, b: 1 },
      { anomaly_type: 'total', a: 7, b: 3 },
    ]);
  });

  it('tabulates stream counters as one row', () => {
    const stats: StreamStats = {
      read: 1000,
      anomalies: 7,
      confirmed: 3,
      deadLettered: 1,
      lateForRealtime: 0,
      realtimeRows: 0,
      lag: 0,
      byType: {},
      bySeverity: {},
      resumedFromCheckpoint: false,
      elapsedMs: 1234,
    };
    expect(tabulateStreamStats(stats, 'reference@1')).toEqual([
      {
        rules: 'reference@1',
        readings_read: 1000,
        anomalies: 7,
        auto_confirmed: 3,
        dead_lettered: 1,
        lag_after: 0,
        resumed_from_checkpoint: 'no',
        seconds: 1.2,
      },
    ]);
  });

  it('tabulates a sweep, the recommendation under budgets, and backtests side by side', async () => {
    const source = makeHistory();
    const horizonMs = 24 * HOUR_MS;
    const sweep = await sweepThreshold({
      source,
      metric: 'vibration',
      from: 3,
      to: 3.5,
      step: 0.25,
      horizonMs,
    });
    const rows = tabulateSweep(sweep);
    expect(rows.map((r) => r['vibration >'])).toEqual([3, 3.25, 3.5]);
    expect(rows[0]).toMatchObject({ alerts: 1, precision: '100.0 %', recall: '100.0 %', caught: '1/1' });
    expect(rows[0]!.note).toContain('reference');
    expect(rows[2]).toMatchObject({ alerts: 0, precision: null, recall: '0.0 %', caught: '0/1' });

    const budgets = tabulateBudgets(sweep, [10, 0]);
    expect(budgets[0]).toMatchObject({ budget_per_device_day: 10, threshold: 3, recall: '100.0 %' });
    expect(budgets[1]).toMatchObject({
      budget_per_device_day: 0,
      threshold: null,
      caught: 'no threshold fits',
    });

    const reference = await backtestRules(source, referenceRules(), { horizonMs });
    const table = tabulateBacktests({ 'reference@1': reference, 'other@1': reference });
    expect(table.map((r) => `${r.anomaly_type} ${r.rules}`)).toEqual([
      'high_temperature reference@1',
      'high_temperature other@1',
      'high_vibration reference@1',
      'high_vibration other@1',
      'high_energy_usage reference@1',
      'high_energy_usage other@1',
      'low_signal reference@1',
      'low_signal other@1',
      'all reference@1',
      'all other@1',
    ]);
    expect(table.find((r) => r.anomaly_type === 'high_vibration')).toMatchObject({
      alerts: 1,
      recall: '100.0 %',
      median_lead_h: 7,
    });
  });
});
