import fs from 'node:fs';
import path from 'node:path';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Log } from '../../src/bus/port.js';
import { loadConfig } from '../../src/config/config.js';
import { topicName } from '../../src/config/names.js';
import { reviewProducer } from '../../src/dashboard/reviews.js';
import { type DashboardServer, startDashboard } from '../../src/dashboard/server.js';
import { ingestAsOwner } from '../../src/pipeline/servingStep.js';
import { openStack, type Stack } from '../../src/pipeline/stack.js';
import { openServing, type ServingHandle } from '../../src/serving/openServing.js';
import { tempDataDir } from '../support/cli.js';
import { requireService } from '../support/services.js';

/**
 * The live dashboard in a real browser (issue 19): anomalies produced to the log after the page loaded
 * appear without a reload; a review made in one browser context appears in another, changes the pending
 * count and the criticality, and survives a restart of the server and its serving owner; a token-guarded
 * server accepts a review from the page (cookie + Origin). One file, in order; every wait is by selector
 * (or by condition on the serving layer) with a 30 s ceiling, never a sleep.
 */
const CHROMIUM = '/usr/bin/chromium';
const runs = requireService('chromium', fs.existsSync(CHROMIUM), 'apt-get install chromium (.ci/run does)');
const WAIT = { timeout: 30_000 };
const TOKEN = 'live-test-token-0123456789abcdef';

let dir: string;
let stack: Stack;
let log: Log;
let owner: { handle: ServingHandle; stop: AbortController; ingest: Promise<unknown> };
let server: DashboardServer;
let guarded: DashboardServer | undefined;
let browser: Browser;
const contexts: BrowserContext[] = [];
const pageErrors: string[] = [];

const anomaly = (device: string, timestamp: string, severity = 'high') => ({
  device_id: device,
  timestamp,
  anomaly_type: 'high_temperature',
  severity,
  description: `high_temperature at ${timestamp}`,
  is_confirmed: false,
  confirmed_by: null,
});

async function produceAnomalies(...rows: ReturnType<typeof anomaly>[]): Promise<void> {
  await log.produce(
    topicName(stack.config, 'anomalies'),
    rows.map((r) => ({ key: r.device_id, value: JSON.stringify(r), timestamp: Date.parse(r.timestamp) })),
  );
}

/** The serving owner as `lambda-iot dashboard` runs it: owns the file, ingests until stopped. */
async function startOwner(): Promise<typeof owner> {
  const handle = await openServing(stack, { role: 'ingest' });
  const stop = new AbortController();
  const ingest = ingestAsOwner(stack, handle.serving, { signal: stop.signal }).catch(() => undefined);
  return { handle, stop, ingest };
}

async function stopOwner(): Promise<void> {
  owner.stop.abort();
  await owner.ingest;
  await owner.handle.close();
}

async function startServer(port = 0, token?: string): Promise<DashboardServer> {
  return startDashboard({
    serving: owner.handle.serving,
    telemetry: async () => {
      throw new Error('not used');
    },
    host: '127.0.0.1',
    port,
    token,
    produceReviews: reviewProducer(log, stack.config),
    liveIntervalMs: 200,
  });
}

async function newPage(): Promise<Page> {
  const context = await browser.newContext({ timezoneId: 'Asia/Shanghai' });
  contexts.push(context);
  const page = await context.newPage();
  page.on('pageerror', (e) => pageErrors.push(e.message));
  return page;
}

const row = (timestamp: string, status?: string) =>
  `tr.alert[data-device="device_1"][data-timestamp="${timestamp}"]${status ? `[data-status="${status}"]` : ''}`;

async function device1(): Promise<{ pending_anomalies: number; criticality_score: number }> {
  const { rows } = await owner.handle.serving.query(
    `select pending_anomalies, criticality_score from unified_device_health where device_id = 'device_1' and date = '2025-04-02'`,
  );
  return rows[0] as { pending_anomalies: number; criticality_score: number };
}

describe.runIf(runs).sequential('live dashboard in chromium', () => {
  beforeAll(async () => {
    dir = tempDataDir('dashboard-live');
    stack = openStack(loadConfig({ LAMBDA_IOT_DATA_DIR: dir }));
    log = await stack.log();
    const day = (device: string) => ({
      device_id: device,
      date: '2025-04-02',
      readings: 600,
      avg_energy: 2.4,
      max_temp: 31,
      min_health_score: 0.5,
      vibration_anomalies: 0,
      avg_signal_strength: 80,
      newest_event_time: '2025-04-02T11:00:00Z',
    });
    await log.produce(
      topicName(stack.config, 'deviceHealthRt'),
      ['device_1', 'device_2'].map((d) => ({
        key: d,
        value: JSON.stringify(day(d)),
        timestamp: Date.parse('2025-04-02T11:00:00Z'),
      })),
    );
    await produceAnomalies(
      anomaly('device_1', '2025-04-02T09:00:00Z'),
      anomaly('device_2', '2025-04-02T09:30:00Z'),
    );
    owner = await startOwner();
    server = await startServer();
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
  });

  afterAll(async () => {
    for (const context of contexts) await context.close();
    await browser?.close();
    await guarded?.close();
    await server?.close();
    if (owner) await stopOwner();
    await stack?.close();
  });

  let first: Page;
  let second: Page;

  it('shows an anomaly produced after the page loaded, without a reload', async () => {
    first = await newPage();
    await first.goto(`${server.url}?range=all`);
    await first.waitForSelector('body[data-ready="true"]', WAIT);
    await first.waitForSelector('#live-status[data-state="live"]', WAIT);
    await first.waitForSelector(row('2025-04-02T09:00:00.000Z'), WAIT);
    expect(await first.$(row('2025-04-02T10:00:00.000Z'))).toBeNull();
    await produceAnomalies(anomaly('device_1', '2025-04-02T10:00:00Z', 'critical'));
    await first.waitForSelector(row('2025-04-02T10:00:00.000Z', 'pending'), WAIT);
    expect(await first.textContent('#last-update')).toMatch(/^last update \d\d:\d\d:\d\d UTC$/);
  });

  it('a review made in one context reaches another without a reload and changes pending and criticality', async () => {
    second = await newPage();
    await second.goto(`${server.url}?range=all`);
    await second.waitForSelector(row('2025-04-02T10:00:00.000Z', 'pending'), WAIT);
    await second.waitForSelector('#live-status[data-state="live"]', WAIT);
    await expect.poll(() => device1(), WAIT).toMatchObject({ pending_anomalies: 2 });
    const before = await device1();
    // Reviewing without a name is refused on the page, nothing is sent.
    await first.click(`${row('2025-04-02T10:00:00.000Z')} button.review-dismiss`);
    await first.waitForSelector('#review-message[data-state="error"]', WAIT);
    await first.fill('#reviewer', 'alice');
    await first.fill('#comment', 'sensor cable loose');
    await first.click(`${row('2025-04-02T10:00:00.000Z')} button.review-dismiss`);
    await first.waitForSelector('#review-message[data-state="saved"]', WAIT);
    const dismissed = await second.waitForSelector(row('2025-04-02T10:00:00.000Z', 'dismissed'), WAIT);
    expect(await dismissed.$eval('.audit', (n) => n.textContent)).toMatch(
      /^dismissed by alice at \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC: “sensor cable loose”$/,
    );
    // read-your-write: the page's request answered once the views had the review
    const after = await device1();
    expect(after.pending_anomalies).toBe(1);
    expect(after.criticality_score).toBeLessThan(before.criticality_score);
  });

  it('after a restart of the server and its serving owner, pages go live again, catch up and keep the review', async () => {
    const port = server.port;
    await server.close();
    await stopOwner();
    // While the server is down the page says so.
    await first.waitForSelector('#live-status[data-state="reconnecting"]', WAIT);
    owner = await startOwner();
    server = await startServer(port);
    await first.waitForSelector('#live-status[data-state="live"]', WAIT);
    await produceAnomalies(anomaly('device_1', '2025-04-02T10:30:00Z'));
    for (const page of [first, second]) {
      await page.waitForSelector(row('2025-04-02T10:30:00.000Z', 'pending'), WAIT);
      await page.waitForSelector(row('2025-04-02T10:00:00.000Z', 'dismissed'), WAIT);
    }
  });

  it('paused, the page holds still; live again, it catches up', async () => {
    await first.uncheck('#live-toggle');
    await first.waitForSelector('#live-status[data-state="paused"]', WAIT);
    await produceAnomalies(anomaly('device_1', '2025-04-02T10:40:00Z'));
    await second.waitForSelector(row('2025-04-02T10:40:00.000Z'), WAIT);
    expect(await first.$(row('2025-04-02T10:40:00.000Z'))).toBeNull();
    await first.check('#live-toggle');
    await first.waitForSelector(row('2025-04-02T10:40:00.000Z'), WAIT);
  });

  it('"dismiss episode" on the page dismisses every anomaly of the episode', async () => {
    // 10:00 (already dismissed), 10:30 and 10:40 are one episode (gaps under 1 h); 09:00 is exactly 1 h
    // before 10:00, so it ends an earlier episode (a gap of exactly 1 h starts a new one)
    await second.fill('#reviewer', 'bob');
    await second.click(`${row('2025-04-02T10:30:00.000Z')} button.review-dismiss-episode`);
    await second.waitForSelector('#review-message[data-state="saved"]', WAIT);
    expect(await second.textContent('#review-message')).toBe('3 reviews saved');
    for (const ts of ['10:00', '10:30', '10:40']) {
      await first.waitForSelector(row(`2025-04-02T${ts}:00.000Z`, 'dismissed'), WAIT);
    }
    expect(await first.$(row('2025-04-02T09:00:00.000Z', 'pending'))).not.toBeNull();
  });

  it('with a token: /?token= logs the page in, a review from the page succeeds; the token is written nowhere', async () => {
    guarded = await startServer(0, TOKEN);
    const page = await newPage();
    await page.goto(`${guarded.url}?token=${TOKEN}&range=all`);
    expect(new URL(page.url()).search).toBe('?range=all');
    await page.waitForSelector(row('2025-04-02T09:00:00.000Z'), WAIT);
    await page.waitForSelector('#live-status[data-state="live"]', WAIT);
    await page.fill('#reviewer', 'carol');
    await page.click(`${row('2025-04-02T09:00:00.000Z')} button.review-confirm`);
    await page.waitForSelector(row('2025-04-02T09:00:00.000Z', 'confirmed'), WAIT);
    const cookies = await page.context().cookies();
    expect(cookies.find((c) => c.value === TOKEN)).toMatchObject({ httpOnly: true, sameSite: 'Strict' });
    const files = fs.readdirSync(dir, { recursive: true, withFileTypes: true }).filter((f) => f.isFile());
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) {
      const where = path.join(file.parentPath, file.name);
      expect(fs.readFileSync(where).includes(TOKEN), where).toBe(false);
    }
    expect(pageErrors).toEqual([]);
  });
});
