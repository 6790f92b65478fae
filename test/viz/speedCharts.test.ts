import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../src/errors.js';
import { formatUtc, HOUR_MS } from '../../src/time/utcTime.js';
import {
  type ChartSpec,
  chartAnomaliesPerDeviceDay,
  chartThresholdSweep,
  renderPng,
  renderSvg,
  type ThresholdSweepPoint,
} from '../../src/viz/index.js';

const T0 = Date.UTC(2025, 3, 1);
const DAY = 24 * HOUR_MS;

/** A sweep from 2.0 to 4.0: precision rises, recall peaks at 3.1, the alert rate falls. */
function makeSweep(): ThresholdSweepPoint[] {
  return Array.from({ length: 21 }, (_, i) => {
    const threshold = Number((2 + i / 10).toFixed(1));
    return {
      threshold,
      precision: i === 20 ? null : 0.1 + i * 0.04,
      recall: 0.45 - Math.abs(threshold - 3.1) / 4,
      alerts_per_device_day: 0.3 - i * 0.014,
      alerts_per_device_day_upper: 0.34 - i * 0.015,
    };
  });
}

type Layer = { data?: { values?: Record<string, unknown>[] }; mark?: { type?: string; align?: string } };

/** The text layers of a sweep chart's top panel: { label, align } of each marker label. */
function markerLabels(spec: ChartSpec): { label: unknown; align: unknown }[] {
  const top = (spec as { vconcat: { layer: Layer[] }[] }).vconcat[0]!.layer;
  return top
    .filter((l) => l.mark?.type === 'text')
    .map((l) => ({ label: l.data?.values?.[0]?.label, align: l.mark?.align }));
}

describe('chartThresholdSweep', () => {
  it('draws precision, recall and the alert rate with titles, units, legends and the marked thresholds', async () => {
    const spec = chartThresholdSweep(makeSweep(), {
      metric: 'vibration',
      reference: 3,
      recommended: 3.1,
      budget: 0.17,
    });
    const svg = await renderSvg(spec);
    expect(svg).toContain('Vibration threshold sweep: precision, recall and alert rate');
    expect(svg).toContain('vibration threshold (mm/s²)');
    expect(svg).toContain('share (%)');
    for (const legend of ['precision', 'recall', 'alerts per device-day', '95 % upper bound'])
      expect(svg).toContain(legend);
    expect(svg).toContain('reference 3');
    expect(svg).toContain('recommended 3.1');
    expect(svg).toContain('budget 0.17 per device-day');
    expect(svg).toContain('failures with an alert in the 24 h before');
    const png = await renderPng(spec);
    expect(png.length).toBeGreaterThan(20_000);
  });

  it('puts the lower label left of its rule and the higher one right, flipping labels that would leave the panel', () => {
    expect(
      markerLabels(chartThresholdSweep(makeSweep(), { metric: 'vibration', reference: 3, recommended: 3.1 })),
    ).toEqual([
      { label: 'reference 3', align: 'right' },
      { label: 'recommended 3.1', align: 'left' },
    ]);
    expect(
      markerLabels(chartThresholdSweep(makeSweep(), { metric: 'vibration', reference: 3, recommended: 2 })),
    ).toEqual([
      { label: 'recommended 2', align: 'left' },
      { label: 'reference 3', align: 'left' },
    ]);
    expect(
      markerLabels(chartThresholdSweep(makeSweep(), { metric: 'vibration', reference: 3, recommended: 3 })),
    ).toEqual([{ label: 'reference = recommended 3', align: 'left' }]);
    expect(
      markerLabels(chartThresholdSweep(makeSweep(), { metric: 'vibration', recommended: null })),
    ).toEqual([]);
  });

  it('leaves out missing scores, names temperature in °C, and rejects an empty sweep', async () => {
    const spec = chartThresholdSweep(makeSweep(), { metric: 'temperature', title: 'My sweep' });
    const top = (spec as { vconcat: { layer: Layer[] }[] }).vconcat[0]!.layer[0]!;
    expect(top.data!.values!.filter((v) => v.measure === 'precision')).toHaveLength(20);
    const svg = await renderSvg(spec);
    expect(svg).toContain('My sweep');
    expect(svg).toContain('temperature threshold (°C)');
    expect(() => chartThresholdSweep([], { metric: 'vibration' })).toThrow(InvalidArgumentError);
  });
});

describe('chartAnomaliesPerDeviceDay', () => {
  const at = (days: number, hours = 0) => formatUtc(T0 + days * DAY + hours * HOUR_MS);
  const anomalies = [
    { device_id: 'device_10', timestamp: at(0, 1), anomaly_type: 'high_vibration' },
    { device_id: 'device_10', timestamp: at(0, 2), anomaly_type: 'high_vibration' },
    { device_id: 'device_10', timestamp: at(0, 3), anomaly_type: 'high_temperature' },
    { device_id: 'device_2', timestamp: at(3, 23), anomaly_type: 'high_temperature' },
  ];
  const failures = [{ device_id: 'device_3', timestamp: at(2, 5) }];
  const layers = (spec: ChartSpec) => (spec as { layer: Layer[] }).layer;

  it('counts anomalies per device and UTC day, orders devices naturally, keeps quiet days, marks failures', async () => {
    const spec = chartAnomaliesPerDeviceDay({ anomalies, failures });
    const [cells, crosses] = layers(spec);
    expect(cells!.data!.values).toEqual([
      { device: 'device_10', day: 'Apr 01', anomalies: 3 },
      { device: 'device_2', day: 'Apr 04', anomalies: 1 },
    ]);
    expect(crosses!.data!.values).toEqual([
      { device: 'device_3', day: 'Apr 03', what: 'failure (ground truth)' },
    ]);
    const encoding = (
      cells as { encoding: { x: { scale: { domain: string[] } }; y: { scale: { domain: string[] } } } }
    ).encoding;
    expect(encoding.x.scale.domain).toEqual(['Apr 01', 'Apr 02', 'Apr 03', 'Apr 04']);
    expect(encoding.y.scale.domain).toEqual(['device_2', 'device_3', 'device_10']);
    const svg = await renderSvg(spec);
    expect(svg).toContain('Anomalies per device and day');
    expect(svg).toContain('anomalies per day');
    expect(svg).toContain('failure (ground truth)');
    expect(svg).toContain('day (UTC)');
  });

  it('filters by anomaly type, adds devices and days asked for, and rejects an empty chart', () => {
    const spec = chartAnomaliesPerDeviceDay({
      anomalies,
      anomalyTypes: ['high_vibration'],
      devices: ['device_1'],
      fromMs: T0 - DAY,
      toMs: T0 + DAY,
    });
    const [cells] = layers(spec);
    expect(cells!.data!.values).toEqual([{ device: 'device_10', day: 'Apr 01', anomalies: 2 }]);
    const encoding = (
      cells as { encoding: { x: { scale: { domain: string[] } }; y: { scale: { domain: string[] } } } }
    ).encoding;
    expect(encoding.x.scale.domain).toEqual(['Mar 31', 'Apr 01', 'Apr 02']);
    expect(encoding.y.scale.domain).toEqual(['device_1', 'device_10']);
    expect(() => chartAnomaliesPerDeviceDay({ anomalies: [] })).toThrow(InvalidArgumentError);
  });
});
