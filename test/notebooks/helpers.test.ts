import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { GroupLag } from '../../src/bus/lag.js';
import type { LogRecord } from '../../src/bus/port.js';
import { InvalidArgumentError } from '../../src/errors.js';
import {
  chartFile,
  collectDeviceReadings,
  DeviceSummaryCollector,
  describeLift,
  display,
  displayTable,
  findProjectRoot,
  formatHtmlTable,
  formatTextTable,
  pickWearFailure,
  type RichDisplay,
  slugify,
  summarizeSimulation,
  tabulateGroupLag,
  tabulatePrecursors,
  tabulateRecords,
  useNotebookDataDir,
} from '../../src/index.js';
import { DEFAULT_FROM_MS, type GroundTruth } from '../../src/ingest/index.js';
import type { Telemetry } from '../../src/schema/index.js';
import type { PrecursorReport } from '../../src/speed/precursors.js';
import { DAY_MS, formatUtc, HOUR_MS } from '../../src/time/utcTime.js';
import type { ChartSpec } from '../../src/viz/index.js';

const root = findProjectRoot();

function makeReading(device: string, ms: number, temperature: number, vibration: number): Telemetry {
  return {
    device_id: device,
    timestamp: formatUtc(ms),
    energy_usage: 2,
    temperature,
    vibration,
    signal_strength: 90,
  };
}

function recordingDisplay(): RichDisplay & { calls: [string, string | Uint8Array][] } {
  const calls: [string, string | Uint8Array][] = [];
  return { calls, raw: (type, data) => calls.push([type, data]) };
}

describe('useNotebookDataDir', () => {
  it('gives a notebook data/notebooks/<name> under the project root unless LAMBDA_IOT_DATA_DIR is set', () => {
    const env: NodeJS.ProcessEnv = {};
    expect(useNotebookDataDir('01-ingestion', env).dataDir).toBe(
      path.join(root, 'data', 'notebooks', '01-ingestion'),
    );
    expect(env.LAMBDA_IOT_DATA_DIR).toBe(path.join(root, 'data', 'notebooks', '01-ingestion'));
    expect(useNotebookDataDir('01-ingestion', { LAMBDA_IOT_DATA_DIR: '/tmp/mine' }).dataDir).toBe(
      '/tmp/mine',
    );
    expect(() => useNotebookDataDir('../etc', {})).toThrow(InvalidArgumentError);
  });
});

describe('display', () => {
  const spec: ChartSpec = {
    title: 'Tiny chart',
    data: { values: [{ a: 1 }, { a: 2 }] },
    mark: 'point',
    encoding: { x: { field: 'a', type: 'quantitative' } },
  };

  it('shows SVG in a notebook', async () => {
    const notebook = recordingDisplay();
    await display(spec, { notebook });
    expect(notebook.calls).toHaveLength(1);
    expect(notebook.calls[0]![0]).toBe('image/svg+xml');
    expect(notebook.calls[0]![1]).toContain('Tiny chart');
  });

  it('writes a PNG named after the title outside a notebook (no tslab under vitest)', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'charts-'));
    try {
      await display(spec, { dir });
      const file = chartFile(spec, { dir });
      expect(file).toBe(path.join(dir, 'tiny-chart.png'));
      expect(fs.readFileSync(file).subarray(1, 4).toString()).toBe('PNG');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('shows tables as escaped HTML in a notebook and as aligned text elsewhere', () => {
    const notebook = recordingDisplay();
    displayTable([{ name: '<b>', count: 1234.5678 }], { notebook, title: 'T' });
    expect(notebook.calls[0]![0]).toBe('text/html');
    expect(notebook.calls[0]![1]).toContain('<td>&lt;b&gt;</td><td style="text-align:right">1,234.568</td>');
    expect(formatHtmlTable([{ a: null }])).toContain('<td>–</td>');
    expect(
      formatTextTable([
        { device: 'device_1', readings: 20160 },
        { device: 'device_10', readings: 5 },
      ]),
    ).toBe(
      ['device     readings', '─────────  ────────', 'device_1     20,160', 'device_10         5'].join('\n'),
    );
    expect(slugify('device_10: the 3 days (°C)')).toBe('device-10-the-3-days-c');
    expect(slugify('***')).toBe('chart');
  });
});

describe('DeviceSummaryCollector', () => {
  it('summarizes readings and events per device in natural device order', () => {
    const summary = new DeviceSummaryCollector();
    summary.addTelemetry(makeReading('device_10', DEFAULT_FROM_MS, 20, 1));
    summary.addTelemetry(makeReading('device_2', DEFAULT_FROM_MS, 29, 3.5));
    summary.addTelemetry(makeReading('device_2', DEFAULT_FROM_MS + 60_000, 21, 1));
    summary.addEvent({
      device_id: 'device_2',
      event_timestamp: formatUtc(DEFAULT_FROM_MS),
      event_type: 'failure',
      severity: 'high',
      error_code: 'ERR1234',
      component: 'bearing',
      root_cause: 'wear',
    });
    const [two, ten] = summary.rows();
    expect(two).toMatchObject({
      device_id: 'device_2',
      readings: 2,
      temperature_mean_c: 25,
      temperature_max_c: 29,
      temperature_excursions: 1,
      vibration_max_mm_s2: 3.5,
      vibration_excursions: 1,
      failures: 1,
      maintenances: 0,
    });
    expect(ten?.device_id).toBe('device_10');
  });
});

describe('simulation replay', () => {
  const simulation = {
    devices: 3,
    seed: 7,
    fromMs: DEFAULT_FROM_MS,
    toMs: DEFAULT_FROM_MS + 2 * DAY_MS,
    cadenceMs: 60_000,
    profile: 'degrading' as const,
  };

  it('summarizes every device of a simulation and computes its precursor report', () => {
    const { devices, precursors } = summarizeSimulation(simulation);
    expect(devices.map((d) => d.device_id)).toEqual(['device_1', 'device_2', 'device_3']);
    expect(devices.reduce((n, d) => n + d.readings, 0)).toBeGreaterThan(3 * 2 * 1440 * 0.9);
    expect(precursors.rows[0]?.metric).toBe('any');
  });

  it('collects one device’s readings in a window, the same ones the full run produces', () => {
    const window = {
      deviceId: 'device_2',
      fromMs: DEFAULT_FROM_MS + HOUR_MS,
      toMs: DEFAULT_FROM_MS + 3 * HOUR_MS,
    };
    const readings = collectDeviceReadings(simulation, window);
    expect(readings.length).toBeGreaterThan(100);
    expect(readings.every((r) => r.device_id === 'device_2')).toBe(true);
    expect(readings[0]!.timestamp).toBe(formatUtc(window.fromMs));
    expect(Date.parse(readings.at(-1)!.timestamp)).toBeLessThan(window.toMs);
    const again = collectDeviceReadings(simulation, window);
    expect(again).toEqual(readings);
  });
});

describe('pickWearFailure', () => {
  const failure = (device: string, hour: number, health: number | null) => ({
    device_id: device,
    timestamp: formatUtc(DEFAULT_FROM_MS + hour * HOUR_MS),
    component: 'bearing' as const,
    root_cause: 'wear' as const,
    health,
    mode: 'bearing' as const,
  });
  const truth = (failures: ReturnType<typeof failure>[]): GroundTruth => ({
    run: {
      devices: 2,
      seed: 1,
      fromMs: DEFAULT_FROM_MS,
      toMs: DEFAULT_FROM_MS + 10 * DAY_MS,
      cadenceMs: 60_000,
      profile: 'degrading',
      from: '',
      to: '',
    },
    health: [],
    failures,
    maintenances: [],
    inspections: [],
  });

  it('picks the first wear failure with failure-free history, skipping sensor faults and early ones', () => {
    const picked = pickWearFailure(
      truth([
        failure('device_2', 10, 0.2), // not enough history before it
        failure('device_1', 20, 0.9), // a random sensor fault, 80 h before the pick
        failure('device_2', 60, 0.2), // device_2 failed 50 h before
        failure('device_3', 90, 0.95), // a random sensor fault
        failure('device_1', 100, 0.15),
      ]),
      { historyMs: 72 * HOUR_MS },
    );
    expect(picked.timestamp).toBe(formatUtc(DEFAULT_FROM_MS + 100 * HOUR_MS));
    expect(() => pickWearFailure(truth([failure('device_1', 5, 0.2)]), { historyMs: DAY_MS })).toThrow(
      /no wear failure with 24 h/,
    );
  });
});

describe('tables', () => {
  it('tabulates records with their JSON fields, a group lag before and after, and precursors', () => {
    const record: LogRecord = {
      topic: 'iot-telemetry',
      partition: 1,
      offset: 7,
      key: 'device_1',
      timestamp: DEFAULT_FROM_MS,
      value: Buffer.from(JSON.stringify(makeReading('device_1', DEFAULT_FROM_MS, 22.5, 0.6))),
    };
    expect(tabulateRecords([record])[0]).toEqual({
      partition: 1,
      offset: 7,
      key: 'device_1',
      event_time: '2025-04-01T00:00:00Z',
      energy_usage: 2,
      temperature: 22.5,
      vibration: 0.6,
      signal_strength: 90,
    });
    expect(
      tabulateRecords([{ ...record, value: Buffer.from('x'.repeat(200)) }], { maxValueChars: 10 })[0]?.value,
    ).toBe(`${'x'.repeat(9)}…`);

    const lag = (committed: number | null, partitionLag: number): GroupLag => ({
      group: 'g',
      lag: partitionLag,
      partitions: [{ partition: 0, committed, endOffset: 100, lag: partitionLag }],
    });
    expect(tabulateGroupLag(lag(null, 100), lag(5, 95))).toEqual([
      {
        partition: 'p0',
        end_offset: 100,
        committed_before: null,
        committed_after: 5,
        lag_before: 100,
        lag_after: 95,
      },
      {
        partition: 'total',
        end_offset: 100,
        committed_before: null,
        committed_after: null,
        lag_before: 100,
        lag_after: 95,
      },
    ]);

    const report: PrecursorReport = {
      horizonMs: DAY_MS,
      failures: 10,
      windows: 2000,
      rows: [{ metric: 'any', failuresPreceded: 8, shareOfFailures: 0.8, baseRate: 0.4, lift: 2 }],
    };
    expect(tabulatePrecursors(report)).toEqual([
      {
        metric: 'any',
        failures_preceded: 8,
        share_of_failures: '80.0 %',
        share_of_random_windows: '40.0 %',
        lift: 2,
      },
    ]);
    expect(describeLift(report)).toBe(
      '8 of 10 failures (80.0 %) had an excursion in the 24 h before, vs 40.0 % of random 24 h windows; ' +
        'a lift of 2.00: a 24 h window with an excursion is 2.0× as likely as a random one to end in a failure.',
    );
    expect(
      describeLift({ ...report, failures: 0, rows: [{ ...report.rows[0]!, shareOfFailures: null }] }),
    ).toMatch(/No failures/);
  });
});
