import { Resvg } from '@resvg/resvg-js';
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import { InvalidArgumentError } from '../errors.js';
import { findPngFonts } from './fonts.js';

/** A Vega-Lite chart specification (what the chart builders return). */
export type ChartSpec = TopLevelSpec;

/**
 * Renders a Vega-Lite spec to SVG text in Node (no browser): Vega-Lite compiles it to Vega, a headless
 * Vega view draws it. Inline data only (`data: { values }`).
 * @example const svg = await renderSvg(chartMessagesPerPartition(await describeTopics(log)));
 */
export async function renderSvg(spec: ChartSpec): Promise<string> {
  let view: vega.View;
  try {
    // Compiler warnings would reach stderr, which notebooks show as errors: only errors are logged.
    const logger = vega.logger(vega.Error);
    view = new vega.View(vega.parse(compile(spec, { logger }).spec), { renderer: 'none', logger });
  } catch (error) {
    throw new InvalidArgumentError(`chart spec not renderable: ${(error as Error).message}`, {
      cause: error,
    });
  }
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

export interface PngOptions {
  /** Width of the PNG in pixels (height keeps the aspect ratio). Default: twice the chart's own width. */
  width?: number;
}

/**
 * Rasterizes SVG text to PNG bytes with resvg, using DejaVu Sans (or the system's sans-serif font).
 * @example fs.writeFileSync('chart.png', svgToPng(svg, { width: 1200 }));
 */
export function svgToPng(svg: string, options: PngOptions = {}): Buffer {
  const { width } = options;
  if (width !== undefined && !(Number.isInteger(width) && width > 0 && width <= 10_000)) {
    throw new InvalidArgumentError(`chart png width: expected an integer from 1 to 10000, got ${width}`);
  }
  const resvg = new Resvg(svg, {
    font: findPngFonts(),
    fitTo: width === undefined ? { mode: 'zoom', value: 2 } : { mode: 'width', value: width },
    background: 'white',
  });
  return resvg.render().asPng();
}

/**
 * Renders a Vega-Lite spec to PNG bytes (SVG first, then resvg).
 * @example fs.writeFileSync('/tmp/partitions.png', await renderPng(spec, { width: 1000 }));
 */
export async function renderPng(spec: ChartSpec, options: PngOptions = {}): Promise<Buffer> {
  return svgToPng(await renderSvg(spec), options);
}
