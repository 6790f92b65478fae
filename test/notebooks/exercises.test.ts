/**
 * Every notebook exercise's check passes with the shipped solution (notebooks/solutions/) and fails on one
 * wrong answer, without Jupyter; an unanswered exercise says "not yet" without failing.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import * as s01 from '../../notebooks/solutions/01-ingestion.js';
import * as s02 from '../../notebooks/solutions/02-speed-layer-and-rule-tuning.js';
import * as s03 from '../../notebooks/solutions/03-batch-gold-and-wap.js';
import * as s04 from '../../notebooks/solutions/04-serving.js';
import * as s05 from '../../notebooks/solutions/05-dashboards.js';
import { runBatch } from '../../src/batch/runBatch.js';
import { MAIN_BRANCH } from '../../src/catalog/port.js';
import { parseFilters } from '../../src/dashboard/panels.js';
import { listRawFiles } from '../../src/lake/lakeReader.js';
import {
  checkBadFileStopped,
  checkCostliestPriority,
  checkDeviceDayFilters,
  checkLowestHealth,
  checkMostCriticalToday,
  checkMostFailures,
  checkPreciseThreshold,
  checkRealtimeDates,
  checkTopicMessages,
  checkWarmRules,
  describeCheck,
  type ExerciseCheck,
  showSolutionChecks,
} from '../../src/notebook/exercises/index.js';
import { showBatch } from '../../src/notebook/showBatch.js';
import type { DeviceSummary } from '../../src/pipeline/deviceSummary.js';
import { referenceRules } from '../../src/speed/ruleSet.js';
import { type SweepRow, withThreshold } from '../../src/speed/tuning/sweep.js';
import { type GoldenLake, goldenCases, landGoldenCase } from '../batch/goldenCases.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

/** The check passes on the solution, fails on the wrong answer, and is "not yet" unanswered. */
function expectCheck(
  check: (answer: never) => ExerciseCheck,
  solution: unknown,
  wrong: unknown,
): { right: ExerciseCheck; wrongCheck: ExerciseCheck } {
  const right = check(solution as never);
  expect(right, right.message).toMatchObject({ answered: true, passed: true });
  expect(describeCheck(right)).toMatch(/^✓ /);
  const wrongCheck = check(wrong as never);
  expect(wrongCheck, wrongCheck.message).toMatchObject({ answered: true, passed: false });
  expect(describeCheck(wrongCheck)).toMatch(/^not yet: /);
  const unanswered = check(undefined as never);
  expect(unanswered).toMatchObject({ answered: false, passed: false });
  expect(describeCheck(unanswered)).toMatch(/^not yet: .*replace undefined/);
  return { right, wrongCheck };
}

const device = (device_id: string, failures: number): DeviceSummary => ({
  device_id,
  readings: 2880,
  temperature_mean_c: 25,
  temperature_max_c: 30,
  temperature_excursions: 3,
  vibration_mean_mm_s2: 1.5,
  vibration_max_mm_s2: 3.2,
  vibration_excursions: 2,
  failures,
  maintenances: 1,
});

describe('notebook 01 exercises', () => {
  it('01.1 the device that failed most', () => {
    const devices = [device('device_1', 1), device('device_2', 3), device('device_3', 0)];
    const solution = s01.mostFailures(devices);
    expect(solution).toBe('device_2');
    expectCheck((a) => checkMostFailures(a, { devices }), solution, 'device_1');
  });

  it('01.2 messages in a topic: the sum of the end offsets, not one partition', () => {
    const topics = [
      {
        topic: 'iot-telemetry',
        partitions: [0, 1, 2, 3].map((p) => ({ partition: p, endOffset: 100 + p })),
        groups: [],
      },
      { topic: 'iot-events', partitions: [{ partition: 0, endOffset: 7 }], groups: [] },
    ];
    const solution = s01.topicMessages(topics, 'iot-telemetry');
    expect(solution).toBe(406);
    const { wrongCheck } = expectCheck(
      (a) => checkTopicMessages(a, { topics, topic: 'iot-telemetry' }),
      solution,
      101,
    );
    expect(wrongCheck.message).toContain('one partition');
  });
});

const sweepRow = (threshold: number, precision: number | null, recall: number | null): SweepRow =>
  ({ threshold, precision, recall, alerts: 10, reference: threshold === 3 }) as SweepRow;

describe('notebook 02 exercises', () => {
  it('02.1 the most precise threshold with recall ≥ 0.4', () => {
    // 3.6 is the most precise overall but catches too few failures
    const rows = [
      sweepRow(2.8, 0.2, 0.7),
      sweepRow(3, 0.3, 0.6),
      sweepRow(3.2, 0.4, 0.5),
      sweepRow(3.6, 0.9, 0.1),
    ];
    const solution = s02.preciseThreshold(rows);
    expect(solution).toBe(3.2);
    expectCheck((a) => checkPreciseThreshold(a, { rows }), solution, 3.6);
  });

  it('02.2 a "warm" rule set: the temperature threshold moved, nothing else', () => {
    const reference = referenceRules();
    const solution = s02.warmRules(reference);
    const { wrongCheck } = expectCheck((a) => checkWarmRules(a, { reference }), solution, {
      ...withThreshold(reference, 'vibration', 30),
      name: 'warm',
    });
    expect(wrongCheck.message).toContain('threshold is 28, not 30');
  });
});

describe('notebook 03 exercises', () => {
  it('03.1 a file dropped by hand with an impossible value: the contract audit stops the run; the recipe cleans up', async () => {
    const lake: GoldenLake = await landGoldenCase(goldenCases().find((c) => c.name === 'three-devices')!);
    cleanups.push(() => lake.close());
    const { config, store, catalog } = lake;
    const published = await runBatch({ config, store, catalog });
    expect(published.published).toBe(true);
    const mainHash = (await catalog.getBranch(MAIN_BRANCH)).hash;
    const filesBefore = (await listRawFiles(store, 'telemetry')).map((f) => f.key);

    const solution = await s03.badFileRun(store, catalog, config);
    const { right } = expectCheck((a) => checkBadFileStopped(a, { mainHash }), solution, published);
    expect(right.message).toMatch(/1 reading outside the contract ranges/);
    // the recipe leaves the lake and the catalog as they were: the file is gone, the kept branch too
    expect((await listRawFiles(store, 'telemetry')).map((f) => f.key)).toEqual(filesBefore);
    expect((await catalog.listBranches()).map((b) => b.name)).toEqual([MAIN_BRANCH]);
    expect((await catalog.getBranch(MAIN_BRANCH)).hash).toBe(mainHash);

    // a second "Run All": nothing new, and the notebook shows the run that published, not empty tables
    const again = await runBatch({ config, store, catalog });
    expect(again.range).toBeNull();
    const shown = showBatch(again, config.dataDir);
    expect(shown.heading).toMatch(
      new RegExp(`^nothing new \\(.*\\); showing the run that published: ${published.runId}`),
    );
    expect(shown.audits.map((a) => [a.name, a.passed])).toEqual(
      published.audits.map((a) => [a.name, a.passed]),
    );
    expect(shown.audits.length).toBeGreaterThan(20);
    expect(shown.quality?.rocAuc).toEqual(published.quality?.rocAuc);
    expect(shown.models).toEqual(published.models);
    // the run itself, when it built something
    expect(showBatch(published, config.dataDir).heading).toBe(
      `batch ${published.runId}: ${published.reason}; published: true`,
    );
  }, 120_000);

  it('03.1 without a published run on record, the second run says so', () => {
    const dir = fs.mkdtempSync(path.join(process.env.TMPDIR ?? '/tmp', 'shown-'));
    try {
      const nothing = {
        runId: 'r',
        range: null,
        reason: 'nothing new since the last published run',
        published: false,
        models: [],
        audits: [],
      };
      expect(showBatch(nothing as never, dir).heading).toContain('no published run is recorded');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('03.2 the least healthy device-day', () => {
    const health = [
      { device_id: 'device_1', date: '2025-04-01', min_health_score: 0.5 },
      { device_id: 'device_2', date: '2025-04-01', min_health_score: 0.27 },
      { device_id: 'device_2', date: '2025-04-02', min_health_score: 0.9 },
    ];
    const solution = s03.lowestHealth(health);
    expect(solution).toEqual({ device_id: 'device_2', date: '2025-04-01' });
    expectCheck((a) => checkLowestHealth(a, { health }), solution, {
      device_id: 'device_2',
      date: '2025-04-02',
    });
  });
});

const unified = [
  { device_id: 'device_1', date: '2025-04-01', source: 'batch', criticality_score: 0.9 },
  { device_id: 'device_2', date: '2025-04-01', source: 'batch', criticality_score: 0.1 },
  { device_id: 'device_1', date: '2025-04-02', source: 'realtime', criticality_score: 0.2 },
  { device_id: 'device_2', date: '2025-04-02', source: 'realtime', criticality_score: 0.6 },
  { device_id: 'device_1', date: '2025-04-03', source: 'realtime', criticality_score: 0.3 },
  { device_id: 'device_2', date: '2025-04-03', source: 'realtime', criticality_score: 0.4 },
];

describe('notebook 04 exercises', () => {
  it('04.1 the dates served from the real-time view', () => {
    const solution = s04.realtimeDates(unified);
    expect(solution).toEqual(['2025-04-02', '2025-04-03']);
    expectCheck((a) => checkRealtimeDates(a, { rows: unified }), solution, ['2025-04-01']);
  });

  it('04.2 the most critical device on the newest date (not of all time)', () => {
    const solution = s04.mostCriticalToday(unified);
    expect(solution).toBe('device_2');
    expectCheck((a) => checkMostCriticalToday(a, { rows: unified }), solution, 'device_1');
  });
});

describe('notebook 05 exercises', () => {
  it('05.1 the costliest priority (not the most frequent)', () => {
    const rows = [
      { priority: 'P0', schedules: 2, total_cost: 9000 },
      { priority: 'P2', schedules: 30, total_cost: 4500 },
    ];
    const solution = s05.costliestPriority(rows);
    expect(solution).toBe('P0');
    expectCheck((a) => checkCostliestPriority(a, { rows }), solution, 'P2');
  });

  it('05.2 the filters of the last 24 h of one device, with the bound values they give', () => {
    const context = { device: 'device_3', newest: '2025-04-07T12:00:00.000Z' };
    const solution = s05.deviceDayFilters('device_3');
    const { right } = expectCheck(
      (a) => checkDeviceDayFilters(a, context),
      solution,
      parseFilters({ range: '7d', device: 'device_3' }),
    );
    expect(right.message).toBe('$from_ts 2025-04-06 12:00:01, $to_ts 2025-04-07 12:00:01, $device device_3');
  });
});

describe('showSolutionChecks', () => {
  it('throws when a solution fails its check, so a headless run of the notebook fails', () => {
    const devices = [device('device_1', 1), device('device_2', 3)];
    expect(() => showSolutionChecks([checkMostFailures('device_2', { devices })])).not.toThrow();
    expect(() => showSolutionChecks([checkMostFailures('device_1', { devices })])).toThrow(
      /notebook solutions failed their checks: 01.1/,
    );
  });
});
