import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  chartFile,
  display,
  displayTable,
  formatHtmlTable,
  formatTextTable,
  type RichDisplay,
  slugify,
} from '../../src/index.js';
import type { ChartSpec } from '../../src/viz/index.js';

function recordingDisplay(): RichDisplay & { calls: [string, string | Uint8Array][] } {
  const calls: [string, string | Uint8Array][] = [];
  return { calls, raw: (type, data) => calls.push([type, data]) };
}

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
