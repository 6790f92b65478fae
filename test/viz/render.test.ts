import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { TopicSummary } from '../../src/bus/lag.js';
import { InvalidArgumentError } from '../../src/errors.js';
import type { Telemetry } from '../../src/schema/index.js';
import { EXCURSION_THRESHOLDS } from '../../src/speed/precursors.js';
import { formatUtc, HOUR_MS } from '../../src/time/utcTime.js';
import {
  type ChartSpec,
  chartDeviceTimeline,
  chartMessagesPerPartition,
  describeMetricAxis,
  findPngFonts,
  renderPng,
  renderSvg,
} from '../../src/viz/index.js';

const T0 = Date.UTC(2025, 3, 1, 12);
const MINUTE = 60_000;
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** A day of readings every 10 minutes from 2025-04-01T12:00Z, vibration rising. */
function makeReadings(device = 'device_7', count = 144): Telemetry[] {
  return Array.from({ length: count }, (_, i) => ({
    device_id: device,
    timestamp: formatUtc(T0 + i * 10 * MINUTE),
    energy_usage: 2,
    temperature: 22 + Math.sin(i / 10),
    vibration: 1 + i / 50,
    signal_strength: 90,
  }));
}

const pngWidth = (png: Buffer) => png.readUInt32BE(16);

/** The data rows a layer or the top level of a spec carries. */
const valuesOf = (spec: unknown): unknown[] => (spec as { data?: { values?: unknown[] } }).data?.values ?? [];

describe('renderSvg / renderPng', () => {
  const spec = chartDeviceTimeline({
    readings: makeReadings(),
    metric: ['temperature', 'vibration'],
    failures: [{ timestamp: formatUtc(T0 + 20 * HOUR_MS), component: 'bearing', device_id: 'device_7' }],
    threshold: EXCURSION_THRESHOLDS,
    title: 'device_7 before its failure',
  });

  it('renders a device timeline to SVG with its title, axis titles with units, and the failure label', async () => {
    const svg = await renderSvg(spec);
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain('device_7 before its failure');
    expect(svg).toContain('temperature (°C)');
    expect(svg).toContain('vibration (mm/s²)');
    expect(svg).toContain('time (UTC)');
    expect(svg).toContain('failure (bearing), Apr 02 08:00');
    expect(svg).toContain('threshold 3 mm/s²');
  });

  it('labels the time axis in UTC whatever the process time zone (CI runs with TZ=Asia/Shanghai)', async () => {
    const svg = await renderSvg(spec);
    expect(svg).toContain('Apr 02 00:00');
  });

  it('renders a PNG: signature, a non-trivial size, twice the chart width by default, or the width asked for', async () => {
    const png = await renderPng(spec);
    expect(png.subarray(0, 8)).toEqual(PNG_SIGNATURE);
    expect(png.length).toBeGreaterThan(20_000);
    expect(pngWidth(png)).toBeGreaterThan(1200);
    const small = await renderPng(spec, { width: 500 });
    expect(pngWidth(small)).toBe(500);
  });

  it('draws text into the PNG with a font found on this machine', async () => {
    const fonts = findPngFonts();
    if (fs.existsSync('/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf')) {
      expect(fonts.defaultFontFamily).toBe('DejaVu Sans');
    }
    // The same chart with and without a title differs in the pixels the title's glyphs cover.
    const bare: ChartSpec = {
      data: { values: [{ a: 1 }] },
      mark: 'point',
      encoding: { x: { field: 'a', type: 'quantitative' } },
    };
    const withTitle = await renderPng({ ...bare, title: 'A title drawn in pixels' });
    const without = await renderPng(bare);
    expect(withTitle.equals(without)).toBe(false);
  });

  it('rejects a spec that does not compile with an InvalidArgumentError', async () => {
    const bad = { mark: 'no-such-mark', data: { values: [] } } as unknown as ChartSpec;
    await expect(renderSvg(bad)).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(renderPng(spec, { width: 0 })).rejects.toBeInstanceOf(InvalidArgumentError);
  });
});

describe('chartDeviceTimeline', () => {
  it('keeps failures of the charted device inside the readings span and leaves out the others', () => {
    const spec = chartDeviceTimeline({
      readings: makeReadings(),
      metric: 'vibration',
      failures: [
        { timestamp: formatUtc(T0 + 2 * HOUR_MS), device_id: 'device_7' },
        { timestamp: formatUtc(T0 + 3 * HOUR_MS), device_id: 'device_9' },
        { timestamp: formatUtc(T0 + 9 * 24 * HOUR_MS), device_id: 'device_7' },
      ],
      threshold: 3,
    });
    const layers = (spec as { vconcat: { layer: unknown[] }[] }).vconcat[0]!.layer;
    const failureRows = layers
      .flatMap(valuesOf)
      .filter((v) => typeof v === 'object' && v !== null && 'label' in v);
    expect(failureRows).toEqual([
      { t: formatUtc(T0 + 2 * HOUR_MS), label: 'failure, Apr 01 14:00' },
      { t: formatUtc(T0 + 2 * HOUR_MS), label: 'failure, Apr 01 14:00' },
    ]);
  });

  it('draws one panel per metric and asks for thresholds by metric when there are several', () => {
    const readings = makeReadings();
    const spec = chartDeviceTimeline({ readings, metric: ['temperature', 'vibration', 'energy_usage'] });
    expect((spec as { vconcat: unknown[] }).vconcat).toHaveLength(3);
    expect(valuesOf(spec)).toHaveLength(readings.length);
    expect(() =>
      chartDeviceTimeline({ readings, metric: ['temperature', 'vibration'], threshold: 3 }),
    ).toThrow(InvalidArgumentError);
    expect(() => chartDeviceTimeline({ readings: [], metric: 'temperature' })).toThrow(InvalidArgumentError);
  });

  it('names metric axes with their units', () => {
    expect(describeMetricAxis('energy_usage')).toBe('energy usage (kWh)');
    expect(describeMetricAxis('signal_strength')).toBe('signal strength (%)');
  });
});

describe('chartMessagesPerPartition', () => {
  it('renders each topic with its partitions and message counts', async () => {
    const topics: TopicSummary[] = [
      {
        topic: 'iot-telemetry',
        partitions: [0, 1, 2, 3].map((p) => ({ partition: p, endOffset: 40_000 + p })),
        groups: [],
      },
      {
        topic: 'iot-events',
        partitions: [0, 1, 2, 3].map((p) => ({ partition: p, endOffset: 10 + p })),
        groups: [],
      },
    ];
    const svg = await renderSvg(chartMessagesPerPartition(topics));
    expect(svg).toContain('Messages per partition');
    expect(svg).toContain('iot-telemetry');
    expect(svg).toContain('iot-events');
    expect(svg).toContain('40,003');
    expect(svg).toContain('messages (end offset)');
  });
});
