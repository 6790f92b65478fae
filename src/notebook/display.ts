import path from 'node:path';
import { loadConfig } from '../config/config.js';
import { writeFileAtomic } from '../util/atomicFile.js';
import { formatHtmlTable, formatTextTable, type TableRow } from '../util/formatTable.js';
import { type ChartSpec, renderSvg, svgToPng } from '../viz/render.js';

/** The part of tslab's `display` the kit uses. */
export interface RichDisplay {
  raw(contentType: string, data: string | Uint8Array): unknown;
}

/**
 * tslab's display when this code runs in a tslab kernel, else undefined. tslab compiles notebook code
 * and the src modules it imports to CommonJS and hooks `require('tslab')`; under tsx or vitest (ESM)
 * there is no `require`, and outside a kernel tslab's display is not ready.
 */
export function findNotebookDisplay(): RichDisplay | undefined {
  if (typeof require !== 'function' || !('__tslab__' in globalThis)) return undefined;
  try {
    return (require('tslab') as { display: RichDisplay }).display;
  } catch {
    return undefined;
  }
}

export interface DisplayOptions {
  /** File name (without .png) when the chart goes to a file. Default: the chart title as a slug. */
  name?: string;
  /** Directory for chart files. Default: <data dir>/charts. */
  dir?: string;
  /** PNG width in pixels. Default: twice the chart's width. */
  width?: number;
  /** Where to show the chart; default: tslab's display in a notebook, else none (a PNG file). */
  notebook?: RichDisplay;
}

function chartTitle(spec: ChartSpec): string | undefined {
  const title = (spec as { title?: unknown }).title;
  if (typeof title === 'string') return title;
  if (title && typeof title === 'object' && 'text' in title) {
    const text = (title as { text: unknown }).text;
    return Array.isArray(text) ? text.join(' ') : typeof text === 'string' ? text : undefined;
  }
  return undefined;
}

/**
 * A file-name slug of a chart title.
 * @example slugify('device_10: temperature (°C)'); // "device-10-temperature-c"
 */
export function slugify(text: string): string {
  const slug = text
    .normalize('NFKD')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 80)
    .replace(/-+$/, '');
  return slug || 'chart';
}

/**
 * The PNG file display() writes a chart to outside a notebook: <dir>/<name>.png, by default
 * <data dir>/charts/<title slug>.png.
 * @example chartFile(spec); // "/…/data/notebooks/01-ingestion/charts/messages-per-partition.png"
 */
export function chartFile(spec: ChartSpec, options: Pick<DisplayOptions, 'name' | 'dir'> = {}): string {
  const dir = options.dir ?? path.join(loadConfig().dataDir, 'charts');
  return path.join(dir, `${options.name ?? slugify(chartTitle(spec) ?? 'chart')}.png`);
}

/**
 * Shows a chart: in a tslab notebook as SVG output; elsewhere (an exported script under tsx) it writes
 * a PNG file (see chartFile) and prints its path.
 * @example await display(chartMessagesPerPartition(await describeTopics(log)));
 * @example await display(spec, { name: 'partitions', dir: '/tmp' }); // prints "chart written to /tmp/partitions.png"
 */
export async function display(spec: ChartSpec, options: DisplayOptions = {}): Promise<void> {
  const svg = await renderSvg(spec);
  const notebook = options.notebook ?? findNotebookDisplay();
  if (notebook) {
    notebook.raw('image/svg+xml', svg);
    return;
  }
  const file = chartFile(spec, options);
  writeFileAtomic(file, svgToPng(svg, { width: options.width }));
  console.log(`chart written to ${file}`);
}

/**
 * Shows rows as a table: HTML in a tslab notebook, aligned text elsewhere. Numbers get thousands
 * separators; fractions keep up to 3 decimals.
 * @example displayTable(describeConfig(config));
 * @example displayTable([{ device_id: 'device_1', readings: 20160 }], { title: 'Readings per device' });
 */
export function displayTable(
  rows: readonly TableRow[],
  options: { title?: string; notebook?: RichDisplay } = {},
): void {
  const notebook = options.notebook ?? findNotebookDisplay();
  if (notebook) notebook.raw('text/html', formatHtmlTable(rows, options.title));
  else console.log(formatTextTable(rows, options.title));
}
