import { timingSafeEqual } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';
import { InvalidArgumentError } from '../errors.js';
import type { Serving } from '../serving/port.js';
import { type Asset, dashboardAssets, pageHtml } from './assets.js';
import { startLive } from './live.js';
import { PANELS, parseFilters, runPanel } from './panels.js';
import { ReviewNotVisibleError, type ReviewProducer, ReviewRequest, submitReview } from './reviews.js';
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
  /** Produces reviews to iot-anomaly-reviews; without it POST /api/reviews answers 503. */
  produceReviews?: ReviewProducer;
  /** How long a review may take to show in serving before the request fails. Default 30 s. */
  reviewWaitMs?: number;
  /** How often the live channel looks for changes while a page is open. Default 1 s. */
  liveIntervalMs?: number;
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

const SECURITY_HEADERS: Record<string, string> = {
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

/** Reads a small JSON body (at most 16 KiB). */
function readJson(req: http.IncomingMessage): Promise<unknown> {
  return new Promise((resolve, reject) => {
    let size = 0;
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > 16_384) {
        reject(new InvalidArgumentError('dashboard request rejected: body over 16 KiB'));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      try {
        resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')));
      } catch {
        reject(new InvalidArgumentError('dashboard request rejected: body is not JSON'));
      }
    });
    req.on('error', reject);
  });
}

/**
 * Why a write must be refused, or undefined. A browser always sends Origin on a POST: it must be the
 * page's own (403 otherwise). A client without a browser sends none: on a token-guarded server it must
 * then use Bearer (the cookie alone is the page's). A write must be JSON (a form cannot send it).
 */
function refuseWrite(
  req: http.IncomingMessage,
  guarded: boolean,
  byBearer: boolean,
): { status: number; message: string } | undefined {
  const origin = req.headers.origin;
  if (origin !== undefined && origin !== `http://${req.headers.host}` && !byBearer)
    return { status: 403, message: 'forbidden: cross-origin write' };
  if (origin === undefined && guarded && !byBearer)
    return { status: 401, message: 'unauthorized: a write needs the page (cookie and Origin) or Bearer' };
  if (!/^application\/json\b/.test(req.headers['content-type'] ?? ''))
    return { status: 415, message: 'expected application/json' };
  return undefined;
}

/**
 * Checks the token of a guarded server: `/?token=` (or `/device?token=`) sets the cookie and redirects to
 * the same page without it (answered here), then
 * every request must carry it (Bearer or the cookie; 401 answered here otherwise).
 */
function authenticate(
  req: http.IncomingMessage,
  res: http.ServerResponse,
  url: URL,
  token: string,
): 'answered' | { byBearer: boolean } {
  const given = url.searchParams.get('token');
  if ((url.pathname === '/' || url.pathname === '/device') && given !== null) {
    if (!sameSecret(given, token)) {
      res.writeHead(401, { 'content-type': 'text/plain', ...SECURITY_HEADERS }).end('unauthorized\n');
      return 'answered';
    }
    url.searchParams.delete('token');
    res.writeHead(303, {
      location: `${url.pathname}${url.search}`,
      'set-cookie': `${TOKEN_COOKIE}=${encodeURIComponent(token)}; HttpOnly; SameSite=Strict; Path=/`,
      ...SECURITY_HEADERS,
    });
    res.end();
    return 'answered';
  }
  const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
  const presented = bearer ?? cookie(req, TOKEN_COOKIE);
  if (presented === undefined || !sameSecret(presented, token)) {
    res
      .writeHead(401, { 'content-type': 'text/plain', ...SECURITY_HEADERS })
      .end('unauthorized: open /?token=… or send Authorization: Bearer …\n');
    return 'answered';
  }
  return { byBearer: bearer !== undefined };
}

/** The review a POST /api/reviews asks for, validated. */
async function reviewRequest(req: http.IncomingMessage): Promise<ReviewRequest> {
  const parsed = ReviewRequest.safeParse(await readJson(req));
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new InvalidArgumentError(
      `dashboard review rejected: ${issue.path.join('.') || 'body'}: ${issue.message}`,
    );
  }
  return parsed.data;
}

/**
 * Starts the dashboard's HTTP server: the page, a JSON API with one endpoint per panel (filters validated
 * with zod, bound values only; the browser never sends SQL), a fixed allow-list of static files, the live
 * channel (GET /api/live, server-sent events) and reviews (POST /api/reviews).
 * A loopback bind refuses requests whose Host is not localhost, 127.0.0.1 or [::1] with the port (DNS
 * rebinding); any other bind needs a token, which then guards every request (cookie set by /?token=, or
 * Authorization: Bearer). A write from a browser must carry an Origin equal to the page's own (403 when
 * foreign); with a token, a write authenticated by the cookie alone must carry it.
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

  const live = startLive(options.serving, {
    intervalMs: options.liveIntervalMs,
    onError: options.onError,
  });

  const handle = async (req: http.IncomingMessage, res: http.ServerResponse) => {
    if (!allowedHost(req.headers.host)) return send(res, 403, 'text/plain', 'forbidden host\n');
    const url = new URL(req.url ?? '/', 'http://dashboard.invalid');
    const write = req.method === 'POST' && url.pathname === '/api/reviews';
    if (req.method !== 'GET' && req.method !== 'HEAD' && !write)
      return send(res, 405, 'text/plain', 'method not allowed\n');
    const auth = options.token ? authenticate(req, res, url, options.token) : { byBearer: false };
    if (auth === 'answered') return;
    const { byBearer } = auth;
    if (write) {
      const refused = refuseWrite(req, options.token !== undefined, byBearer);
      if (refused) return send(res, refused.status, 'text/plain', `${refused.message}\n`);
      if (!options.produceReviews)
        return json(res, 503, { error: 'dashboard reviews unavailable: no log to produce to' });
      const reviews = await submitReview(
        { serving: options.serving, produce: options.produceReviews, waitMs: options.reviewWaitMs },
        await reviewRequest(req),
      );
      live.broadcast('review', { reviews, at: new Date().toISOString() });
      await live.check();
      return json(res, 200, { reviews });
    }
    if (url.pathname === '/api/live') return live.connect(req, res, SECURITY_HEADERS);
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
      const status =
        error instanceof InvalidArgumentError ? 400 : error instanceof ReviewNotVisibleError ? 504 : 500;
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
        live.close();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
