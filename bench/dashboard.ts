import path from 'node:path';
import { chromium } from 'playwright-core';
import { loadConfig } from '../src/config/config.js';
import { PANELS } from '../src/dashboard/panels.js';
import { startDashboard } from '../src/dashboard/server.js';
import { openStack } from '../src/pipeline/stack.js';
import { EmbeddedServing } from '../src/serving/embeddedServing.js';
import { ensureServing } from './serving.js';

export interface DashboardPanelRow {
  panel: string;
  rows: number;
  /** Request → JSON in the page (server query + transfer), ms. */
  request: { p50: number; p95: number };
  /** Request → rendered panel (fetch, vega-lite compile, vega parse, SVG render), ms. */
  rendered: { p50: number; p95: number };
}

export interface DashboardBench {
  devices: number;
  days: number;
  repeats: number;
  panels: DashboardPanelRow[];
}

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
};

/**
 * p50/p95 from a request to a rendered panel in Chromium (Debian's, through playwright-core), per main panel,
 * over the serving bench data (range "last 7 days"), with the share spent before the JSON arrived. Panels
 * whose Gold tables the synthesized data leaves empty (predictions, schedule) render with 0 rows.
 */
export async function benchDashboard(devices = 1000, days = 365, repeats = 20): Promise<DashboardBench> {
  const dir = path.resolve('data', 'bench', `serving-${devices}x${days}`);
  await ensureServing(dir, devices, days);
  const stack = openStack(
    loadConfig({ LAMBDA_IOT_DATA_DIR: dir, LAMBDA_IOT_SERVING_RETENTION_DAYS: '3650' }),
  );
  const serving = await EmbeddedServing.open(stack);
  const server = await startDashboard({
    serving,
    telemetry: async () => {
      throw new Error('no lake in the serving bench');
    },
    host: '127.0.0.1',
    port: 0,
  });
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
  try {
    const page = await browser.newPage({ timezoneId: 'UTC' });
    await page.goto(`${server.url}?range=7d`);
    await page.waitForSelector('body[data-ready="true"]', { timeout: 120_000 });
    const panels: DashboardPanelRow[] = [];
    for (const panel of PANELS.filter((p) => p.page === 'main')) {
      const request: number[] = [];
      const rendered: number[] = [];
      let rows = 0;
      for (let i = 0; i < repeats; i++) {
        const t = await page.evaluate(async (name) => {
          const w = window as unknown as {
            vega: {
              View: new (r: unknown, o: unknown) => { runAsync(): Promise<unknown>; finalize(): void };
              parse(s: unknown): unknown;
            };
            vegaLite: { compile(s: unknown): { spec: unknown } };
          };
          const t0 = performance.now();
          const response = await fetch(`/api/panel/${name}?range=7d`);
          const data = (await response.json()) as { spec: unknown; rows: unknown[] };
          const t1 = performance.now();
          const container = document.createElement('div');
          document.body.appendChild(container);
          const view = new w.vega.View(w.vega.parse(w.vegaLite.compile(data.spec).spec), {
            renderer: 'svg',
            container,
          });
          await view.runAsync();
          const t2 = performance.now();
          view.finalize();
          container.remove();
          return { request: t1 - t0, rendered: t2 - t0, rows: data.rows.length };
        }, panel.name);
        request.push(t.request);
        rendered.push(t.rendered);
        rows = t.rows;
      }
      panels.push({
        panel: panel.name,
        rows,
        request: { p50: percentile(request, 0.5), p95: percentile(request, 0.95) },
        rendered: { p50: percentile(rendered, 0.5), p95: percentile(rendered, 0.95) },
      });
    }
    return { devices, days, repeats, panels };
  } finally {
    await browser.close();
    await server.close();
    await serving.close();
    await stack.close();
  }
}
