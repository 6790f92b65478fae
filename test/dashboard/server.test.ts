import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.js';
import { type DashboardServer, startDashboard } from '../../src/dashboard/server.js';
import { openStack, type Stack } from '../../src/pipeline/stack.js';
import { EmbeddedServing } from '../../src/serving/embeddedServing.js';
import type { Serving } from '../../src/serving/port.js';
import { runCli, tempDataDir } from '../support/cli.js';

/** The dashboard server's guards, over plain HTTP: Host check, token, static allow-list, validation. */

let stack: Stack;
let serving: Serving;
let open: DashboardServer;
let guarded: DashboardServer;
const TOKEN = 'test-token-0123456789abcdef';
const noTelemetry = async () => {
  throw new Error('not used');
};

/** A raw GET with exactly these headers (fetch would set Host itself). */
function get(
  port: number,
  pathname: string,
  headers: Record<string, string>,
): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path: pathname, headers, setHost: false }, (res) => {
      let body = '';
      res.on('data', (c) => {
        body += c;
      });
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

beforeAll(async () => {
  stack = openStack(loadConfig({ LAMBDA_IOT_DATA_DIR: tempDataDir('dashboard-server') }));
  serving = await EmbeddedServing.open(stack);
  open = await startDashboard({ serving, telemetry: noTelemetry, host: '127.0.0.1', port: 0 });
  // A token-guarded server (what a non-loopback bind runs), bound to loopback for the test.
  guarded = await startDashboard({
    serving,
    telemetry: noTelemetry,
    host: '127.0.0.1',
    port: 0,
    token: TOKEN,
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
  });

  it('refuses to start on a non-loopback host without LAMBDA_IOT_DASHBOARD_TOKEN (exit 2, naming it)', async () => {
    const result = await runCli(['dashboard', '--host', '0.0.0.0', '--port', '0'], {
      LAMBDA_IOT_DATA_DIR: tempDataDir('dashboard-host'),
      LAMBDA_IOT_DASHBOARD_TOKEN: undefined,
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('LAMBDA_IOT_DASHBOARD_TOKEN');
  });
});
