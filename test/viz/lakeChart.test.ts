import { describe, expect, it } from 'vitest';
import { chartLakePartitions } from '../../src/viz/chartLakePartitions.js';
import { renderSvg } from '../../src/viz/render.js';

describe('chartLakePartitions', () => {
  it('draws rows per event date, one panel per dataset, rows and files on the bars; other folders are left out', async () => {
    const spec = chartLakePartitions({
      prefix: '',
      partitions: [
        { prefix: 'raw/events/date=2025-04-01/', objects: 3, rows: 3, bytes: 5000, unreadable: [] },
        { prefix: 'raw/events/date=2025-04-02/', objects: 1, rows: 8, bytes: 2000, unreadable: [] },
        {
          prefix: 'raw/telemetry/date=2025-04-01/',
          objects: 4,
          rows: 14_000,
          bytes: 160_000,
          unreadable: [],
        },
        { prefix: 'warehouse/iot/t/metadata/', objects: 2, rows: null, bytes: 900, unreadable: [] },
      ],
      totals: { objects: 9, rows: 14_003, bytes: 165_900 },
    });
    const values = (spec as { data: { values: { dataset: string }[] } }).data.values;
    expect(values.map((v) => v.dataset)).toEqual(['raw/events', 'raw/events', 'raw/telemetry']);
    const svg = await renderSvg(spec);
    expect(svg).toContain('Rows per event date in the lake');
    expect(svg).toContain('raw/telemetry');
    expect(svg).toContain('2025-04-01');
    // the end of a bar says what its length is, and names the file count as such
    expect(svg).toContain('8 rows · 1 file<');
    expect(svg).toContain('3 rows · 3 files<');
    expect(svg).toContain('14,000 rows · 4 files<');
    // integer ticks: over 0–8 rows no tick falls between two integers (a ',d' format would print them twice)
    const ticks = [...svg.matchAll(/>([\d,]+)<\/text>/g)].map((m) => m[1]!);
    const eventTicks = ticks.slice(0, ticks.indexOf('0', 1)); // the first panel's, up to the next panel's 0
    expect(eventTicks).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8']);
  });
});
