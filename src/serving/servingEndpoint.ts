import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { KitError } from '../errors.js';
import type { Serving } from './port.js';
import { ReadOnlyQueryError } from './readOnlySql.js';

/**
 * The serving owner's local endpoint: the process that owns the DuckDB file answers every other process's
 * serving calls over HTTP on 127.0.0.1 (a random port, a random bearer token recorded in owner.json, which
 * only the owner's user can read). Calls are JSON: POST /rpc {method, args} → {result} | {error}.
 */

/** The calls another process may make on the owner. */
const METHODS = ['describe', 'attachGold', 'refresh', 'query', 'status'] as const;
type Method = (typeof METHODS)[number];

export interface EndpointAddress {
  port: number;
  token: string;
}

/** Runs calls on one serving object one at a time (one DuckDB connection; transactions must not interleave). */
export function serialize(serving: Serving): Serving {
  let tail: Promise<unknown> = Promise.resolve();
  const run = <T>(fn: () => Promise<T>): Promise<T> => {
    const next = tail.then(fn, fn);
    tail = next.catch(() => undefined);
    return next;
  };
  return {
    kind: serving.kind,
    describe: () => serving.describe(),
    applySchema: () => run(() => serving.applySchema()),
    write: (rows) => run(() => serving.write(rows)),
    attachGold: (ref) => run(() => serving.attachGold(ref)),
    refresh: (views, options) => run(() => serving.refresh(views, options)),
    query: (sql, params) => run(() => serving.query(sql, params)),
    status: () => run(() => serving.status()),
    reset: () => run(() => serving.reset()),
    close: () => run(() => serving.close()),
  };
}

/**
 * Starts the endpoint for `serving` on 127.0.0.1 (port 0 = any free port).
 * @example const { address, close } = await startServingEndpoint(serialize(serving));
 */
export async function startServingEndpoint(
  serving: Serving,
): Promise<{ address: EndpointAddress; close: () => Promise<void> }> {
  const token = randomBytes(24).toString('hex');
  const server = http.createServer((request, response) => {
    const reply = (status: number, body: unknown) => {
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(JSON.stringify(body));
    };
    if (request.method !== 'POST' || request.url !== '/rpc')
      return reply(404, { error: { name: 'NotFound', message: 'POST /rpc' } });
    if (request.headers.authorization !== `Bearer ${token}`)
      return reply(401, { error: { name: 'Unauthorized', message: 'bad token' } });
    const chunks: Buffer[] = [];
    request.on('data', (c: Buffer) => chunks.push(c));
    request.on('end', () => {
      let call: { method: Method; args: unknown[] };
      try {
        call = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        return reply(400, { error: { name: 'BadRequest', message: 'not JSON' } });
      }
      if (!METHODS.includes(call.method))
        return reply(400, { error: { name: 'BadRequest', message: `unknown method ${call.method}` } });
      const fn = serving[call.method] as (...args: unknown[]) => unknown;
      Promise.resolve()
        .then(() => fn.apply(serving, call.args ?? []))
        .then(
          (result) => reply(200, { result }),
          (error: unknown) =>
            reply(200, {
              error: {
                name: error instanceof Error ? error.name : 'Error',
                message: error instanceof Error ? error.message : String(error),
              },
            }),
        );
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  server.unref();
  const { port } = server.address() as AddressInfo;
  return {
    address: { port, token },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}

/** A serving call that failed in the owner process, rethrown here with the owner's message. */
export class ServingOwnerError extends KitError {}

/** Calls one method on the owner's endpoint. */
export async function callOwner<T>(
  address: EndpointAddress,
  method: Method,
  args: unknown[],
  timeoutMs = 600_000,
): Promise<T> {
  const response = await fetch(`http://127.0.0.1:${address.port}/rpc`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${address.token}` },
    body: JSON.stringify({ method, args }),
    signal: AbortSignal.timeout(timeoutMs),
  });
  const body = (await response.json()) as { result?: T; error?: { name: string; message: string } };
  if (body.error) {
    if (body.error.name === 'ReadOnlyQueryError') throw new ReadOnlyQueryError(body.error.message);
    throw new ServingOwnerError(body.error.message, { context: { method, name: body.error.name } });
  }
  return body.result as T;
}

/** The Serving port over an owner's endpoint (what every non-owner process uses while the owner lives). */
export function remoteServing(address: EndpointAddress, where: string): Serving {
  return {
    kind: 'embedded',
    describe: () => `${where} (via its owner on 127.0.0.1:${address.port})`,
    applySchema: async () => undefined,
    write: async () => {
      throw new KitError('serving write: only the owner process ingests (run `lambda-iot serve`)');
    },
    attachGold: (ref) => callOwner(address, 'attachGold', [ref]),
    refresh: (views, options) => callOwner(address, 'refresh', [views, options]),
    query: (sql, params) => callOwner(address, 'query', [sql, params]),
    status: () => callOwner(address, 'status', []),
    reset: async () => {
      throw new KitError('serving reset: only the owner process rebuilds (run `lambda-iot serve --rebuild`)');
    },
    close: async () => undefined,
  };
}
