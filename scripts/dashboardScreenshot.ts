/**
 * `npm run docs:screenshot`: runs the whole pipeline on a fresh temporary data directory (the default
 * plant), serves the dashboard on a free loopback port, and writes a full-page screenshot of it, rendered
 * by Debian's chromium through playwright-core, to docs/dashboard.png (the README shows it).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { loadConfig } from '../src/config/config.js';
import { startDashboard } from '../src/dashboard/server.js';
import { telemetryAround } from '../src/dashboard/telemetry.js';
import { runPipeline } from '../src/pipeline/runPipeline.js';
import { withStack } from '../src/pipeline/stack.js';
import { openServing } from '../src/serving/openServing.js';
import { findProjectRoot } from '../src/util/projectRoot.js';

const out = path.join(findProjectRoot(), 'docs', 'dashboard.png');
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lambda-iot-screenshot-'));
try {
  await withStack(loadConfig({ ...process.env, LAMBDA_IOT_DATA_DIR: dataDir }), async (stack) => {
    await runPipeline(stack);
    const handle = await openServing(stack);
    const server = await startDashboard({
      serving: handle.serving,
      telemetry: telemetryAround(await stack.store(), dataDir),
      host: '127.0.0.1',
      port: 0,
    });
    const browser = await chromium.launch({
      executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
    try {
      const page = await browser.newPage({ viewport: { width: 1500, height: 900 }, timezoneId: 'UTC' });
      await page.goto(`${server.url}?range=7d`);
      await page.waitForSelector('body[data-ready="true"]', { timeout: 30_000 });
      fs.mkdirSync(path.dirname(out), { recursive: true });
      await page.screenshot({ path: out, fullPage: true });
    } finally {
      await browser.close();
      await server.close();
      await handle.close();
    }
  });
  console.log(`wrote ${path.relative(process.cwd(), out)}`);
} finally {
  fs.rmSync(dataDir, { recursive: true, force: true });
}
