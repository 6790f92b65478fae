import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.js';
import { exportDashboard } from '../../src/dashboard/export.js';
import { PANELS, parseFilters } from '../../src/dashboard/panels.js';
import { type DashboardServer, startDashboard } from '../../src/dashboard/server.js';
import { telemetryAround } from '../../src/dashboard/telemetry.js';
import { runPipeline } from '../../src/pipeline/runPipeline.js';
import { openStack, type Stack } from '../../src/pipeline/stack.js';
import { openServing, type ServingHandle } from '../../src/serving/openServing.js';
import { tempDataDir } from '../support/cli.js';
import { requireService } from '../support/services.js';

/**
 * The dashboard in a real browser: Debian's chromium driven by playwright-core, over a plant made by the
 * whole pipeline. One file, run in order (the page state carries from test to test); every wait is by
 * selector with a 30 s ceiling, never a sleep; the browser runs in Asia/Shanghai so a date shown in local
 * time instead of UTC would differ.
 */
const CHROMIUM = '/usr/bin/chromium';
const runs = requireService('chromium', fs.existsSync(CHROMIUM), 'apt-get install chromium (.ci/run does)');
const WAIT = { timeout: 30_000 };
const MAIN = PANELS.filter((p) => p.page === 'main').map((p) => p.name);

let stack: Stack;
let handle: ServingHandle;
let server: DashboardServer;
let browser: Browser;
let page: Page;
const consoleErrors: string[] = [];
const foreign: string[] = [];

async function api(name: string, query: string): Promise<Record<string, unknown>[]> {
  const response = await fetch(`${server.url}api/panel/${name}?${query}`);
  expect(response.status, name).toBe(200);
  return ((await response.json()) as { rows: Record<string, unknown>[] }).rows;
}

const viewRows = (name: string) =>
  page.evaluate(
    (n) =>
      (
        window as never as { dashboard: { views: Record<string, { data(d: string): unknown[] }> } }
      ).dashboard.views[n]!.data('table').length,
    name,
  );

async function waitReady(): Promise<void> {
  await page.waitForSelector('body[data-ready="true"]', WAIT);
}

describe.runIf(runs).sequential('dashboard in chromium', () => {
  beforeAll(async () => {
    stack = openStack(loadConfig({ LAMBDA_IOT_DATA_DIR: tempDataDir('dashboard') }));
    await runPipeline(stack);
    handle = await openServing(stack);
    server = await startDashboard({
      serving: handle.serving,
      telemetry: telemetryAround(await stack.store(), stack.config.dataDir),
      host: '127.0.0.1',
      port: 0,
    });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
    const context = await browser.newContext({ timezoneId: 'Asia/Shanghai' });
    page = await context.newPage();
    page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(m.text());
    });
    page.on('pageerror', (e) => consoleErrors.push(e.message));
    page.on('request', (r) => {
      const url = new URL(r.url());
      if (url.protocol !== 'file:' && url.host !== new URL(server.url).host) foreign.push(r.url());
    });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await handle?.close();
    await stack?.close();
  });

  it('loads with no console error and no request to another host; every panel has its API rows', async () => {
    await page.goto(`${server.url}?range=7d`);
    await waitReady();
    for (const name of MAIN) {
      await page.waitForSelector(`#panel-${name}[data-state="ready"]`, WAIT);
      const expected = await api(name, 'range=7d');
      expect(expected.length, name).toBeGreaterThan(0);
      expect(await viewRows(name), name).toBe(expected.length);
    }
    expect(consoleErrors).toEqual([]);
    expect(foreign).toEqual([]);
  });

  it('labels dates with their UTC date, not the viewer time zone (Asia/Shanghai)', async () => {
    const dates = new Set((await api('failure_risk_trend', 'range=7d')).map((r) => r.prediction_date));
    const labels = await page.$$eval('#panel-failure_risk_trend svg .role-axis-label text', (nodes) =>
      nodes.map((n) => n.textContent ?? ''),
    );
    const dateLabels = labels.filter((l) => /^\d{4}-\d{2}-\d{2}$/.test(l));
    expect(dateLabels.length).toBeGreaterThan(0);
    for (const label of dateLabels) expect(dates, label).toContain(label);
  });

  it('filters every other panel by the device clicked in one', async () => {
    const before = await api('alert_list', 'range=7d');
    await page.locator('#panel-criticality_by_day svg .mark-symbol path').first().click({ force: true });
    await page.waitForSelector('body[data-ready="true"]:not([data-device=""])', WAIT);
    const device = await page.getAttribute('body', 'data-device');
    expect(device).toMatch(/^device_/);
    expect(new URL(page.url()).searchParams.get('device')).toBe(device);
    const after = await page.evaluate(
      () =>
        (window as never as { dashboard: { rows: Record<string, { device_id: string }[]> } }).dashboard.rows
          .alert_list!,
    );
    expect(after.length).toBeGreaterThan(0);
    expect(after).not.toEqual(before);
    for (const row of after) expect(row.device_id).toBe(device);
    expect(await viewRows('alert_list')).toBe((await api('alert_list', `range=7d&device=${device}`)).length);
  });

  it('keeps the filters from the URL on reload', async () => {
    const device = await page.getAttribute('body', 'data-device');
    await page.selectOption('#range', '24h');
    await page.waitForURL(/range=24h/, WAIT);
    await waitReady();
    await page.reload();
    await waitReady();
    expect(await page.inputValue('#range')).toBe('24h');
    expect(await page.inputValue('#device')).toBe(device);
    await page.waitForSelector('#panel-alert_list[data-state="ready"]', WAIT);
    expect(await viewRows('alert_list')).toBe((await api('alert_list', `range=24h&device=${device}`)).length);
  });

  it('shows a device page with its telemetry around an alert', async () => {
    const [alert] = await api('alert_list', 'range=all');
    await page.goto(`${server.url}device?range=all&device=${alert!.device_id}`);
    await waitReady();
    for (const name of ['device_health', 'device_maintenance', 'alert_list', 'device_telemetry']) {
      await page.waitForSelector(`#panel-${name}[data-state="ready"]`, WAIT);
      expect(await viewRows(name), name).toBeGreaterThan(0);
    }
    // The alerts show once, as the review table (the chart stays hidden as the panel's data view); a click
    // on a row opens that alert's telemetry, as a click on the chart did.
    expect(await page.isHidden('#panel-alert_list .chart')).toBe(true);
    const rows = page.locator('#panel-alert_list tr.alert');
    expect(await rows.count()).toBe(await viewRows('alert_list'));
    const last = rows.last();
    const clicked = await last.getAttribute('data-timestamp');
    await last.locator('td').first().click();
    await page.waitForURL((url) => url.searchParams.get('alert') === clicked!.replace('.000Z', 'Z'), WAIT);
    await page.waitForSelector('#panel-device_telemetry[data-state="ready"]', WAIT);
    expect(consoleErrors).toEqual([]);
    expect(foreign).toEqual([]);
  });

  it('exports one HTML file that renders every panel from file://', async () => {
    const dir = path.join(stack.config.dataDir, 'export');
    const out = await exportDashboard(handle.serving, dir, parseFilters({ range: '7d' }));
    await page.goto(pathToFileURL(out.html).href);
    await waitReady();
    for (const { name, rows } of out.panels) {
      await page.waitForSelector(`#panel-${name}[data-state="ready"]`, WAIT);
      expect(rows, name).toBeGreaterThan(0);
      expect(await viewRows(name), name).toBe(rows);
    }
    expect(out.panels.map((p) => p.name)).toEqual(MAIN);
    expect(consoleErrors).toEqual([]);
    expect(foreign).toEqual([]);
  });
});
