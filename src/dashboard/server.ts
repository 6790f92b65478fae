import { timingSafeEqual } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';
import { InvalidArgumentError } from '../errors.js';
import type { Serving } from '../serving/port.js';
import { type Asset, dashboardAssets, pageHtml } from './assets.js';
import { PANELS, parseFilters, runPanel } from './panels.js';
import type { TelemetryAround } from './telemetry.js';

export interface DashboardOptions {
  serving: Serving;
  /** Raw telemetry of a device around a time, from the lake (the device page). */
  telemetry: TelemetryAround;
  host: string;
  /** 0 picks a free port. */
  port: number;
  /** Required on a non-loopback bind; then every request must carry it. */
  token?: string;
  /** Called with each failed request's message (never the token). */
  onError?: (message: string) => void;
}

export interface DashboardServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

/** True for binds only this machine reaches. */
export function isLoopbackHost(host: string): boolean {
  return LOOPBACK.has(host) || /^127\.\d+\.\d+\.\d+$/.test(host);
}

const TOKEN_COOKIE = 'lambda_iot_dashboard_token';

const SECURITY_HEADERS = {
  // vega compiles its expressions with Function: 'unsafe-eval'. Nothing may load from another origin.
  'content-security-policy':
    "default-src 'none'; script-src 'self' 'unsafe-eval'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
};

const Telemetry = z
  .object({
    device: z.string().regex(/^[A-Za-z0-9._:-]{1,64}$/, 'expected a device id'),
    alert: z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,6})?Z$/, 'expected an ISO UTC time'),
  })
  .strict();

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function cookie(req: http.IncomingMessage, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return decodeURIComponent(v.join('='));
  }
  return undefined;
}

/**
 * Starts the dashboard's HTTP server: the page, a JSON API with one endpoint per panel (filters validated
 * with zod, bound values only; the browser never sends SQL), and a fixed allow-list of static files.
 * A loopback bind refuses requests whose Host is not localhost, 127.0.0.1 or [::1] with the port (DNS
 * rebinding); any other bind needs a token, which then guards every request.
 * @example const server = await startDashboard({ serving, telemetry, host: '127.0.0.1', port: 8080 });
 */
export async function startDashboard(options: DashboardOptions): Promise<DashboardServer> {
  const loopback = isLoopbackHost(options.host);
  if (!loopback && !options.token) {
    throw new InvalidArgumentError(
      `dashboard host rejected: ${options.host} is not a loopback address; set LAMBDA_IOT_DASHBOARD_TOKEN to serve beyond this machine`,
    );
  }
  const assets = new Map<string, Asset>(dashboardAssets().map((a) => [a.url, a]));
  const page = pageHtml([...assets.values()]);
  let port = options.port;

  const send = (res: http.ServerResponse, status: number, type: string, body: string | Buffer) => {
    res.writeHead(status, { 'content-type': type, ...SECURITY_HEADERS });
    res.end(body);
  };
  const json = (res: http.ServerResponse, status: number, body: unknown) =>
    send(res, status, 'application/json; charset=utf-8', JSON.stringify(body));

  const allowedHost = (host: string | undefined) => {
    if (!loopback) return true;
    return host !== undefined && [`localhost:${port}`, `127.0.0.1:${port}`, `[::1]:${port}`].includes(host);
  };

  const handle = async (req: http.IncomingMessage, res: http.ServerResponse) => {
    if (!allowedHost(req.headers.host)) return send(res, 403, 'text/plain', 'forbidden host\n');
    if (req.method !== 'GET' && req.method !== 'HEAD')
      return send(res, 405, 'text/plain', 'method not allowed\n');
    const url = new URL(req.url ?? '/', 'http://dashboard.invalid');
    if (options.token) {
      const given = url.searchParams.get('token');
      if (url.pathname === '/' && given !== null) {
        if (!sameSecret(given, options.token)) return send(res, 401, 'text/plain', 'unauthorized\n');
        url.searchParams.delete('token');
        res.writeHead(303, {
          location: `/${url.search}`,
          'set-cookie': `${TOKEN_COOKIE}=${encodeURIComponent(options.token)}; HttpOnly; SameSite=Strict; Path=/`,
          ...SECURITY_HEADERS,
        });
        return res.end();
      }
      const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
      const presented = bearer ?? cookie(req, TOKEN_COOKIE);
      if (presented === undefined || !sameSecret(presented, options.token)) {
        return send(res, 401, 'text/plain', 'unauthorized: open /?token=… or send Authorization: Bearer …\n');
      }
    }
    if (url.pathname === '/' || url.pathname === '/device')
      return send(res, 200, 'text/html; charset=utf-8', page);
    const asset = assets.get(url.pathname);
    if (asset) return send(res, 200, asset.type, fs.readFileSync(asset.file));
    if (url.pathname === '/api/panels') {
      return json(
        res,
        200,
        PANELS.map((p) => ({ name: p.name, question: p.question, page: p.page })),
      );
    }
    const panel = /^\/api\/panel\/([a-z_]+)$/.exec(url.pathname)?.[1];
    if (panel !== undefined) {
      return json(res, 200, await runPanel(options.serving, panel, parseFilters(url.searchParams)));
    }
    if (url.pathname === '/api/devices') {
      const { rows } = await options.serving.query(
        'select distinct device_id from unified_device_health order by device_id',
      );
      return json(
        res,
        200,
        rows.map((r) => r.device_id),
      );
    }
    if (url.pathname === '/api/telemetry') {
      const parsed = Telemetry.safeParse(Object.fromEntries(url.searchParams));
      if (!parsed.success) {
        const issue = parsed.error.issues[0]!;
        throw new InvalidArgumentError(
          `dashboard telemetry rejected: ${issue.path.join('.')}: ${issue.message}`,
        );
      }
      return json(res, 200, await options.telemetry(parsed.data.device, parsed.data.alert));
    }
    return send(res, 404, 'text/plain', 'not found\n');
  };

  const server = http.createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      const message = error instanceof Error ? error.message : String(error);
      const status = error instanceof InvalidArgumentError ? 400 : 500;
      if (status === 500) options.onError?.(`dashboard ${req.method} ${req.url?.split('?')[0]}: ${message}`);
      if (!res.headersSent) json(res, status, { error: message });
      else res.end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  const shown =
    options.host.includes(':') && !options.host.startsWith('[') ? `[${options.host}]` : options.host;
  return {
    url: `http://${loopback && shown === '127.0.0.1' ? '127.0.0.1' : shown}:${port}/`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
