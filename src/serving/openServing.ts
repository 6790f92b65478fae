import fs from 'node:fs';
import path from 'node:path';
import { KitError } from '../errors.js';
import { writeFileAtomic } from '../util/atomicFile.js';
import { isProcessAlive } from '../util/processAlive.js';
import { EmbeddedServing, servingFile } from './embeddedServing.js';
import type { Serving, ServingContext } from './port.js';
import { type EndpointAddress, remoteServing, serialize, startServingEndpoint } from './servingEndpoint.js';
import { StarrocksServing } from './starrocksServing.js';

/** What owner.json records: who owns the serving file and where it answers. */
export interface OwnerRecord extends EndpointAddress {
  pid: number;
  /** What the owner does: 'ingest' (serve, dashboard) or 'oneshot' (sql, batch, …: exits soon). */
  role: 'ingest' | 'oneshot';
  command: string;
  started_at: string;
  /**
   * The serving file it owns (absolute). A data directory copied while its owner ran carries an owner.json
   * naming a live process that serves the original's file: a record for another file is not this file's
   * owner. Absent in records written before it existed.
   */
  serving_file?: string;
}

/** An open serving layer: owned by this process, or reached through the owner's endpoint. */
export interface ServingHandle {
  serving: Serving;
  /** True when this process owns the file (and answers the others). */
  owner: boolean;
  /** The owner when it is another process. */
  ownedBy?: OwnerRecord;
  close(): Promise<void>;
}

export interface OpenServingOptions {
  /** Recorded in owner.json when this process becomes the owner. Default 'oneshot'. */
  role?: OwnerRecord['role'];
  /** How long to wait for another process that holds the file to publish its endpoint. Default 30 s. */
  waitMs?: number;
}

/** `serving/owner.json` under the data directory. */
export function ownerFile(stack: Pick<ServingContext, 'config'>): string {
  return path.join(stack.config.dataDir, 'serving', 'owner.json');
}

function readOwner(file: string): OwnerRecord | undefined {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as OwnerRecord;
  } catch {
    return undefined;
  }
}

/** DuckDB refuses a second read-write open of a file with a lock error. */
const isLockError = (error: unknown) => error instanceof Error && /lock/i.test(error.message);

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The owner's endpoint when a live process owns the file and answers, else undefined. */
async function reachOwner(file: string): Promise<{ record: OwnerRecord; serving: Serving } | undefined> {
  const record = readOwner(file);
  if (!record || record.pid === process.pid || !isProcessAlive(record.pid)) return undefined;
  const servingPath = path.join(path.dirname(file), 'serving.duckdb');
  if (record.serving_file !== undefined && path.resolve(record.serving_file) !== path.resolve(servingPath)) {
    return undefined;
  }
  const serving = remoteServing(record, servingPath);
  try {
    await serving.query('select 1');
    return { record, serving };
  } catch {
    return undefined;
  }
}

/**
 * Opens the serving layer the DuckDB way: one read-write owner per file. While an owner lives (its pid in
 * <data dir>/serving/owner.json answers), calls go to its endpoint. Otherwise this process opens the file
 * itself and becomes the owner while it runs, answering others; a stale owner.json (dead pid) is taken
 * over. With LAMBDA_IOT_SERVING=starrocks, a direct connection to StarRocks (no owner). When two processes find no owner at once, the one whose open fails on DuckDB's lock waits for the
 * other's owner.json and uses its endpoint.
 * @example const handle = await openServing(stack); try { await handle.serving.query('select 1'); } finally { await handle.close(); }
 */
export async function openServing(
  stack: ServingContext,
  options: OpenServingOptions = {},
): Promise<ServingHandle> {
  if (stack.config.serving === 'starrocks') {
    // StarRocks serves many clients itself: every process connects directly, nobody owns anything
    const serving = await StarrocksServing.open(stack);
    return { serving, owner: true, close: () => serving.close() };
  }
  const file = ownerFile(stack);
  const deadline = Date.now() + (options.waitMs ?? 30_000);
  for (;;) {
    const reached = await reachOwner(file);
    if (reached) {
      return {
        serving: reached.serving,
        owner: false,
        ownedBy: reached.record,
        close: async () => undefined,
      };
    }
    let embedded: EmbeddedServing;
    try {
      embedded = await EmbeddedServing.open(stack, servingFile(stack.config));
    } catch (error) {
      if (!isLockError(error)) throw error;
      if (Date.now() > deadline) {
        throw new KitError(
          `serving: ${servingFile(stack.config)} is held by another process that does not answer (owner: ${JSON.stringify(readOwner(file) ?? null)}); stop it or wait`,
          { cause: error },
        );
      }
      await pause(100);
      continue;
    }
    return becomeOwner(embedded, file, options.role ?? 'oneshot');
  }
}

async function becomeOwner(
  embedded: EmbeddedServing,
  file: string,
  role: OwnerRecord['role'],
): Promise<ServingHandle> {
  const serving = serialize(embedded);
  const endpoint = await startServingEndpoint(serving);
  const record: OwnerRecord = {
    ...endpoint.address,
    pid: process.pid,
    role,
    command: process.argv.slice(2, 4).join(' '),
    started_at: new Date().toISOString(),
    serving_file: path.resolve(path.dirname(file), 'serving.duckdb'),
  };
  fs.mkdirSync(path.dirname(file), { recursive: true });
  writeFileAtomic(file, JSON.stringify(record), { mode: 0o600 });
  let closed = false;
  return {
    serving,
    owner: true,
    async close() {
      if (closed) return;
      closed = true;
      await endpoint.close();
      if (readOwner(file)?.pid === process.pid) fs.rmSync(file, { force: true });
      await serving.close();
    },
  };
}
