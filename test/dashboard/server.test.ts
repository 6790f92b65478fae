import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openLog } from '../../src/bus/openLog.js';
import { loadConfig } from '../../src/config/config.js';
import { topicName } from '../../src/config/names.js';
import { type DashboardServer, startDashboard } from '../../src/dashboard/server.js';
import { openStack, type Stack } from '../../src/pipeline/stack.js';
import type { AnomalyReview } from '../../src/schema/anomalyReview.js';
import { EmbeddedServing } from '../../src/serving/embeddedServing.js';
import type { Serving } from '../../src/serving/port.js';
import { runCli, startCli, tempDataDir } from '../support/cli.js';

/**
 * The dashboard server's guards, over plain HTTP: Host check, token, static allow-list, validation, the
 * write guards (Origin, cookie or Bearer), reviews with read-your-write, and the live channel.
 */

let stack: Stack;
let serving: Serving;
let open: DashboardServer;
let guarded: DashboardServer;
const TOKEN = 'test-token-0123456789abcdef';
const noTelemetry = async () => {
  throw new Error('not used');
};
const errors: string[] = [];
/** Stands in for the log and the serving owner's ingest: a produced review is written and the views refreshed. */
const produced: AnomalyReview[] = [];
const produceReviews = async (reviews: readonly AnomalyReview[]) => {
  produced.push(...reviews);
  await serving.write({ reviews });
  await serving.refresh();
};
const anomaly = (timestamp: string, anomaly_type = 'high_temperature') => ({
  device_id: 'device_7',
  timestamp,
  anomaly_type,
  severity: 'high' as const,
  description: `${anomaly_type} at ${timestamp}`,
  is_confirmed: false,
  confirmed_by: null,
});

/** A raw GET (or with a body, POST) with exactly these headers (fetch would set Host itself). */
function get(
  port: number,
  pathname: string,
  headers: Record<string, string>,
  body?: unknown,
): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const method = body === undefined ? 'GET' : 'POST';
    const options = { host: '127.0.0.1', port, path: pathname, headers, setHost: false, method };
    const req = http.request(options, (res) => {
      let body = '';
      res.on('data', (c) => {
        body += c;
      });
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

const post = (port: number, headers: Record<string, string>, body: unknown) =>
  get(port, '/api/reviews', { 'content-type': 'application/json', ...headers }, body);

/** Opens the live channel and resolves with its first named event (then disconnects). */
function firstEvent(
  port: number,
  headers: Record<string, string>,
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port, path: '/api/live', headers, setHost: false },
      (res) => {
        let text = '';
        if (res.statusCode !== 200) {
          res.resume();
          resolve({ status: res.statusCode!, text });
          return;
        }
        res.on('data', (c) => {
          text += c;
          if (/event: \w+\ndata: .*\n\n/.test(text)) {
            req.destroy();
            resolve({ status: 200, text });
          }
        });
      },
    );
    req.on('error', reject);
    req.end();
  });
}

const reviewOf = (timestamp: string) =>
  serving
    .query(
      `select action, reviewer, comment from anomaly_reviews where device_id = 'device_7' and "timestamp" = cast($ts as timestamp) and anomaly_type = 'high_temperature'`,
      { ts: timestamp.replace('T', ' ').replace('Z', '') },
    )
    .then((r) => r.rows);

beforeAll(async () => {
  stack = openStack(loadConfig({ LAMBDA_IOT_DATA_DIR: tempDataDir('dashboard-server') }));
  serving = await EmbeddedServing.open(stack);
  // an episode (gaps under 1 h: 10:00, 10:30, 10:50), then a new one at 12:00, and another type at 10:30
  await serving.write({
    anomalies: [
      anomaly('2025-04-01T10:00:00Z'),
      anomaly('2025-04-01T10:30:00Z'),
      anomaly('2025-04-01T10:50:00Z'),
      anomaly('2025-04-01T12:00:00Z'),
      anomaly('2025-04-01T10:30:00Z', 'high_vibration'),
    ],
  });
  open = await startDashboard({
    serving,
    telemetry: noTelemetry,
    host: '127.0.0.1',
    port: 0,
    produceReviews,
    onError: (m) => errors.push(m),
  });
  // A token-guarded server (what a non-loopback bind runs), bound to loopback for the test.
  guarded = await startDashboard({
    serving,
    telemetry: noTelemetry,
    host: '127.0.0.1',
    port: 0,
    token: TOKEN,
    produceReviews,
    onError: (m) => errors.push(m),
  });
});
afterAll(async () => {
  await open?.close();
  await guarded?.close();
  await serving?.close();
  await stack?.close();
});

describe('dashboard server', () => {
  it('refuses a Host that is not localhost, 127.0.0.1 or [::1] with its port (DNS rebinding)', async () => {
    const p = open.port;
    for (const host of [`localhost:${p}`, `127.0.0.1:${p}`, `[::1]:${p}`]) {
      expect((await get(p, '/', { host })).status, host).toBe(200);
    }
    for (const host of ['evil.example', `evil.example:${p}`, 'localhost', `127.0.0.1:${p + 1}`]) {
      expect((await get(p, '/', { host })).status, host).toBe(403);
    }
    // No Host at all: node:http itself answers 400 (HTTP/1.1 requires one).
    expect([400, 403]).toContain((await get(p, '/api/panels', {})).status);
  });

  it('serves only its allow-list: the vega builds and its own files, nothing else of node_modules', async () => {
    const host = `127.0.0.1:${open.port}`;
    for (const ok of [
      '/vendor/vega.min.js',
      '/vendor/vega-lite.min.js',
      '/static/app.js',
      '/static/app.css',
    ]) {
      expect((await get(open.port, ok, { host })).status, ok).toBe(200);
    }
    for (const no of [
      '/node_modules/vega/package.json',
      '/vendor/../package.json',
      '/static/../panels.ts',
      '/vendor/vega-embed.min.js',
      '/.env',
    ]) {
      expect((await get(open.port, no, { host })).status, no).toBe(404);
    }
    const page = await get(open.port, '/', { host });
    expect(page.headers['content-security-policy']).toContain("default-src 'none'");
    expect(page.body).not.toMatch(/https?:\/\//);
  });

  it('answers bad filters with 400 and the reason, never runs them', async () => {
    const host = `127.0.0.1:${open.port}`;
    const bad = await get(open.port, "/api/panel/alert_list?device=x'%20or%201=1", { host });
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.body).error).toMatch(/device/);
    expect((await get(open.port, '/api/panel/alert_list?range=7d', { host })).status).toBe(200);
  });

  it('with a token, guards every request; /?token= sets a cookie; Bearer works', async () => {
    const p = guarded.port;
    const host = `127.0.0.1:${p}`;
    expect((await get(p, '/', { host })).status).toBe(401);
    expect((await get(p, '/vendor/vega.min.js', { host })).status).toBe(401);
    expect(
      (await get(p, '/api/panels', { host, authorization: 'Bearer wrong-token-0123456789' })).status,
    ).toBe(401);
    expect((await get(p, '/api/panels', { host, authorization: `Bearer ${TOKEN}` })).status).toBe(200);
    const login = await get(p, `/?token=${TOKEN}&range=24h`, { host });
    expect(login.status).toBe(303);
    expect(login.headers.location).toBe('/?range=24h');
    const cookie = login.headers['set-cookie']![0]!.split(';')[0]!;
    expect(login.headers['set-cookie']![0]).toMatch(/HttpOnly; SameSite=Strict/);
    expect((await get(p, '/api/panels', { host, cookie })).status).toBe(200);
    const device = await get(p, `/device?device=device_7&token=${TOKEN}`, { host });
    expect(device.status).toBe(303);
    expect(device.headers.location).toBe('/device?device=device_7');
  });

  it('refuses to start on a non-loopback host without LAMBDA_IOT_DASHBOARD_TOKEN (exit 2, naming it)', async () => {
    const result = await runCli(['dashboard', '--host', '0.0.0.0', '--port', '0'], {
      LAMBDA_IOT_DATA_DIR: tempDataDir('dashboard-host'),
      LAMBDA_IOT_DASHBOARD_TOKEN: undefined,
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('LAMBDA_IOT_DASHBOARD_TOKEN');
  });

  it('writes: no credentials 401, a foreign Origin 403, the page (cookie + own Origin) and Bearer succeed', async () => {
    const p = guarded.port;
    const host = `127.0.0.1:${p}`;
    const own = `http://${host}`;
    const body = {
      device_id: 'device_7',
      timestamp: '2025-04-01T12:00:00Z',
      anomaly_type: 'high_temperature',
      action: 'confirm',
      reviewer: 'alice',
      comment: 'seen on site',
    };
    const login = await get(p, `/?token=${TOKEN}`, { host });
    const cookie = login.headers['set-cookie']![0]!.split(';')[0]!;
    expect((await post(p, { host, origin: own }, body)).status).toBe(401);
    expect((await post(p, { host }, body)).status).toBe(401);
    // the cookie alone, without the page's Origin (a script holding a stolen cookie file): not enough
    expect((await post(p, { host, cookie }, body)).status).toBe(401);
    expect((await post(p, { host, cookie, origin: 'http://evil.example' }, body)).status).toBe(403);
    expect((await post(p, { host, cookie, origin: `http://localhost:${p}` }, body)).status).toBe(403);
    expect(produced).toEqual([]);
    const ok = await post(p, { host, cookie, origin: own }, body);
    expect(ok.status).toBe(200);
    expect(JSON.parse(ok.body).reviews).toHaveLength(1);
    expect(await reviewOf('2025-04-01T12:00:00Z')).toEqual([
      { action: 'confirm', reviewer: 'alice', comment: 'seen on site' },
    ]);
    const bearer = await post(p, { host, authorization: `Bearer ${TOKEN}` }, { ...body, action: 'dismiss' });
    expect(bearer.status).toBe(200);
    expect((await reviewOf('2025-04-01T12:00:00Z'))[0]!.action).toBe('dismiss');
    // the produced message is the contract's shape, keyed by the anomaly identity
    expect(Object.keys(produced[0]!).sort()).toEqual(
      ['action', 'anomaly_type', 'comment', 'device_id', 'reviewed_at', 'reviewer', 'timestamp'].sort(),
    );
  });

  it('on loopback without a token, refuses a write from a foreign Origin and one that is not JSON', async () => {
    const p = open.port;
    const host = `127.0.0.1:${p}`;
    const body = {
      device_id: 'device_7',
      timestamp: '2025-04-01T10:30:00Z',
      anomaly_type: 'high_vibration',
      action: 'confirm',
      reviewer: 'bob',
    };
    expect((await post(p, { host, origin: 'http://evil.example' }, body)).status).toBe(403);
    expect((await get(p, '/api/reviews', { host, 'content-type': 'text/plain' }, body)).status).toBe(415);
    const unknown = await post(p, { host }, { ...body, timestamp: '2025-04-01T10:31:00Z' });
    expect(unknown.status).toBe(400);
    expect(JSON.parse(unknown.body).error).toMatch(/no anomaly high_vibration of device_7/);
    const bad = await post(p, { host }, { ...body, action: 'delete' });
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.body).error).toMatch(/action/);
    expect((await post(p, { host, origin: `http://${host}` }, body)).status).toBe(200);
  });

  it('"dismiss episode" reviews every anomaly of that device and type chained by gaps under 1 h', async () => {
    const p = open.port;
    const host = `127.0.0.1:${p}`;
    const done = await post(
      p,
      { host },
      {
        device_id: 'device_7',
        timestamp: '2025-04-01T10:30:00Z',
        anomaly_type: 'high_temperature',
        action: 'dismiss',
        reviewer: 'carol',
        comment: '',
        episode: true,
      },
    );
    expect(done.status).toBe(200);
    const reviews = JSON.parse(done.body).reviews as AnomalyReview[];
    expect(reviews.map((r) => r.timestamp)).toEqual([
      '2025-04-01T10:00:00.000Z',
      '2025-04-01T10:30:00.000Z',
      '2025-04-01T10:50:00.000Z',
    ]);
    expect(reviews.every((r) => r.comment === null && r.reviewer === 'carol')).toBe(true);
    const list = await get(p, '/api/panel/alert_list?range=all&device=device_7', { host });
    const rows = JSON.parse(list.body).rows as Record<string, unknown>[];
    const of = (ts: string, type = 'high_temperature') =>
      rows.find((r) => Date.parse(String(r.timestamp)) === Date.parse(ts) && r.anomaly_type === type);
    expect(of('2025-04-01T10:50:00.000Z')).toMatchObject({ status: 'dismissed', reviewer: 'carol' });
    expect(of('2025-04-01T12:00:00.000Z')?.reviewer).not.toBe('carol');
    expect(of('2025-04-01T10:30:00.000Z', 'high_vibration')).toMatchObject({
      status: 'confirmed',
      reviewer: 'bob',
    });
  });

  it('answers 504 when a produced review never shows in serving (nobody ingests)', async () => {
    const lost = await startDashboard({
      serving,
      telemetry: noTelemetry,
      host: '127.0.0.1',
      port: 0,
      produceReviews: async () => undefined,
      reviewWaitMs: 0,
    });
    try {
      const reply = await post(
        lost.port,
        { host: `127.0.0.1:${lost.port}` },
        {
          device_id: 'device_7',
          timestamp: '2025-04-01T10:00:00Z',
          anomaly_type: 'high_temperature',
          action: 'confirm',
          reviewer: 'dave',
        },
      );
      expect(reply.status).toBe(504);
      expect(JSON.parse(reply.body).error).toMatch(/not visible/);
    } finally {
      await lost.close();
    }
  });

  it('answers only once the review is in the refreshed views too (embedded), not when merely written', async () => {
    const unrefreshed = await startDashboard({
      serving,
      telemetry: noTelemetry,
      host: '127.0.0.1',
      port: 0,
      produceReviews: async (reviews) => serving.write({ reviews }),
      reviewWaitMs: 0,
    });
    try {
      const reply = await post(
        unrefreshed.port,
        { host: `127.0.0.1:${unrefreshed.port}` },
        {
          device_id: 'device_7',
          timestamp: '2025-04-01T12:00:00Z',
          anomaly_type: 'high_temperature',
          action: 'confirm',
          reviewer: 'erin',
        },
      );
      expect(reply.status).toBe(504);
      expect((await reviewOf('2025-04-01T12:00:00Z'))[0]!.reviewer).toBe('erin');
    } finally {
      await serving.refresh();
      await unrefreshed.close();
    }
  });

  it('the live channel takes the cookie, refuses without it, and starts with the current version', async () => {
    const p = guarded.port;
    const host = `127.0.0.1:${p}`;
    expect((await firstEvent(p, { host })).status).toBe(401);
    const login = await get(p, `/?token=${TOKEN}`, { host });
    const cookie = login.headers['set-cookie']![0]!.split(';')[0]!;
    const hello = await firstEvent(p, { host, cookie });
    expect(hello.status).toBe(200);
    const data = JSON.parse(/event: hello\ndata: (.*)\n/.exec(hello.text)![1]!);
    expect(JSON.parse(data.version).anomalies).toBe(5);
  });

  it('never logs the token', () => {
    expect(errors.join('\n')).not.toContain(TOKEN);
  });
});

describe('lambda-iot dashboard on a non-loopback address, with the token', () => {
  it('answers 401 without it, 403 to a foreign Origin, takes a review from the page; the token is in no output or file', async () => {
    const dir = tempDataDir('dashboard-cli-token');
    const env = { LAMBDA_IOT_DATA_DIR: dir, LAMBDA_IOT_DASHBOARD_TOKEN: TOKEN };
    const log = await openLog(loadConfig(env));
    const a = anomaly('2025-04-01T10:00:00Z');
    await log.produce(topicName(loadConfig(env), 'anomalies'), [
      { key: a.device_id, value: JSON.stringify(a), timestamp: Date.parse(a.timestamp) },
    ]);
    await log.close();
    const cli = startCli(['dashboard', '--host', '0.0.0.0', '--port', '0'], env);
    try {
      const deadline = Date.now() + 30_000;
      let port: number | undefined;
      while (port === undefined) {
        port = Number(/dashboard on http:\/\/0\.0\.0\.0:(\d+)\//.exec(cli.stderr())?.[1]) || undefined;
        if (Date.now() > deadline || cli.child.exitCode !== null) throw new Error(cli.stderr());
        await new Promise((r) => setTimeout(r, 50));
      }
      const host = `127.0.0.1:${port}`;
      expect((await get(port, '/api/panels', { host })).status).toBe(401);
      const login = await get(port, `/?token=${TOKEN}`, { host });
      const cookie = login.headers['set-cookie']![0]!.split(';')[0]!;
      // wait by condition: the dashboard, owner of the serving layer, ingests the anomaly
      for (;;) {
        const list = await get(port, '/api/panel/alert_list?range=all', { host, cookie });
        if (JSON.parse(list.body).rows.length === 1) break;
        if (Date.now() > deadline) throw new Error(list.body);
        await new Promise((r) => setTimeout(r, 50));
      }
      const body = {
        device_id: a.device_id,
        timestamp: a.timestamp,
        anomaly_type: a.anomaly_type,
        action: 'dismiss',
        reviewer: 'alice',
      };
      expect((await post(port, { host, cookie, origin: 'http://evil.example' }, body)).status).toBe(403);
      const ok = await post(port, { host, cookie, origin: `http://${host}` }, body);
      expect(ok.status, ok.body).toBe(200);
      const list = await get(port, '/api/panel/alert_list?range=all', { host, cookie });
      expect(JSON.parse(list.body).rows[0]).toMatchObject({ status: 'dismissed', reviewer: 'alice' });
    } finally {
      cli.child.kill('SIGTERM');
    }
    const exit = await cli.exited;
    expect(exit.code, exit.stderr).toBe(0);
    expect(exit.stdout + exit.stderr).not.toContain(TOKEN);
    const files = fs.readdirSync(dir, { recursive: true, withFileTypes: true }).filter((f) => f.isFile());
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) {
      const where = path.join(file.parentPath, file.name);
      expect(fs.readFileSync(where).includes(TOKEN), where).toBe(false);
    }
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
