import type http from 'node:http';
import type { Serving } from '../serving/port.js';

/**
 * The dashboard's live channel: server-sent events on GET /api/live. The server watches a cheap "version"
 * of the serving layer (row counts and newest times of the ingested tables, when Gold was attached and,
 * embedded, when the views were last refreshed) and pushes `update` to every open page when it changes;
 * a review made through the server is pushed as `review`. On connect a page first receives `hello` with
 * the current version, so after a server restart (EventSource reconnects by itself) it catches up.
 */

const VERSION_COMMON = `
  (select count(*) from anomalies_streaming) as anomalies,
  (select max(a.timestamp) from anomalies_streaming a) as newest_anomaly,
  (select count(*) from anomaly_reviews) as reviews,
  (select max(reviewed_at) from anomaly_reviews) as newest_review,
  (select count(*) from device_health_rt) as realtime,
  (select max(newest_event_time) from device_health_rt) as newest_realtime,
  (select max(updated_at) from serving_watermark) as gold`;

/** The version query: what changes whenever a page would show something new. */
export function versionSql(kind: Serving['kind']): string {
  return kind === 'embedded'
    ? `select ${VERSION_COMMON},\n  (select max(refreshed_at) from view_refreshes) as refreshed`
    : `select ${VERSION_COMMON}`;
}

export interface LiveChannel {
  /** Serves one GET /api/live: the event stream of one page. */
  connect(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    headers: Record<string, string>,
  ): Promise<void>;
  /** Pushes an event to every connected page. */
  broadcast(event: string, data: unknown): void;
  /** Reads the version now and pushes `update` when it changed. */
  check(): Promise<void>;
  close(): void;
}

/**
 * Starts watching `serving` every `intervalMs` while at least one page is connected.
 * @example const live = startLive(serving); … live.close();
 */
export function startLive(
  serving: Serving,
  options: { intervalMs?: number; onError?: (message: string) => void } = {},
): LiveChannel {
  const clients = new Set<http.ServerResponse>();
  const sql = versionSql(serving.kind);
  let version: string | undefined;
  let timer: NodeJS.Timeout | undefined;
  let checking: Promise<void> | undefined;
  let closed = false;
  let failing = false;

  const send = (res: http.ServerResponse, event: string, data: unknown) =>
    res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);

  const readVersion = async () => JSON.stringify((await serving.query(sql)).rows[0] ?? {});

  const broadcast = (event: string, data: unknown) => {
    for (const res of clients) send(res, event, data);
  };

  const checkOnce = async () => {
    try {
      const now = await readVersion();
      failing = false;
      if (now !== version) {
        version = now;
        broadcast('update', { version, at: new Date().toISOString() });
      }
    } catch (error) {
      // reported once per outage, not every tick
      if (!failing) options.onError?.(`dashboard live: ${(error as Error).message}`);
      failing = true;
    }
  };
  const check = () => {
    checking ??= checkOnce().finally(() => {
      checking = undefined;
    });
    return checking;
  };

  const schedule = () => {
    if (closed || timer || clients.size === 0) return;
    timer = setTimeout(async () => {
      await check();
      timer = undefined;
      schedule();
    }, options.intervalMs ?? 1000);
    timer.unref();
  };

  return {
    async connect(req, res, headers) {
      res.writeHead(200, { ...headers, 'content-type': 'text/event-stream; charset=utf-8' });
      res.write('retry: 1000\n\n');
      clients.add(res);
      req.on('close', () => clients.delete(res));
      let current: string | null = null;
      try {
        current = await readVersion();
      } catch {
        // the next tick reports it
      }
      // this page's starting point only: the others compare against what they were last sent
      if (!res.writableEnded) send(res, 'hello', { version: current, at: new Date().toISOString() });
      schedule();
    },
    broadcast,
    check,
    close() {
      closed = true;
      if (timer) clearTimeout(timer);
      for (const res of clients) res.end();
      clients.clear();
    },
  };
}
