import { describeLogIdentity, type Log, type LogIdentity } from '../bus/port.js';
import { LakeLogMismatchError, ObjectNotFoundError, StoreError } from '../errors.js';
import type { ObjectStore } from '../store/objectStore.js';
import { nextOffsets, partitionKey } from './landedOffsets.js';
import type { RawFileName } from './rawLayout.js';

/**
 * Which log the lake was landed from. `landing/logs.json` lists the logs whose messages the lake holds,
 * each with the folder its files are in: the first log's files sit directly in their date folders, a
 * log added with `land --new-log` in `date=…/log={n}/`, so (partition, offset) of two logs never share
 * a file name. `land` resumes only into a log the lake lists, and only while the log still reaches the
 * lake's highest landed offset of every partition (a topic deleted and created again starts from 0).
 */

/** Where the lake records its logs (outside raw/, so no reader of raw data lists it). */
export const LAKE_LOGS_KEY = 'landing/logs.json';

/** One log the lake holds. */
export interface LakeLogEntry {
  log: LogIdentity;
  /** The `log=` folder of its files; absent for the lake's first log (files directly in their date folder). */
  folder?: string;
  /** When the lake first landed it (ISO). */
  since: string;
}

export interface LakeLogs {
  logs: LakeLogEntry[];
}

/** The lake's record of its logs, or undefined when none was written yet (a new lake, or one from before records). */
export async function readLakeLogs(store: ObjectStore): Promise<LakeLogs | undefined> {
  let bytes: Uint8Array;
  try {
    bytes = await store.get(LAKE_LOGS_KEY);
  } catch (error) {
    if (error instanceof ObjectNotFoundError) return undefined;
    throw error;
  }
  try {
    const parsed = JSON.parse(Buffer.from(bytes).toString('utf8')) as LakeLogs;
    if (!Array.isArray(parsed.logs)) throw new Error('no "logs" list');
    return parsed;
  } catch (error) {
    throw new StoreError(
      `lake log record unreadable: ${LAKE_LOGS_KEY} (${(error as Error).message}); restore it or move it aside`,
      { cause: error },
    );
  }
}

/** A partition where the lake is ahead of the log. */
interface Behind {
  topic: string;
  partition: number;
  /** Highest offset landed in the lake. */
  landed: number;
  /** The log's end offset (next to be written). */
  end: number;
}

export interface BindLakeOptions {
  store: ObjectStore;
  log: Log;
  /** The landed topics (already created in the log). */
  topics: readonly string[];
  /** Every landed file of those topics (readLandedOffsets `landed`). */
  landed: readonly RawFileName[];
  /** Land a log the lake does not hold under a new `log=` folder instead of refusing. */
  newLog?: boolean;
  warn: (message: string) => void;
}

/** The log a landing run lands and the folder its files go to. */
export interface LakeLogBinding {
  log: LogIdentity;
  /** The `log=` folder, or undefined for the lake's first log. */
  folder?: string;
  /** Whether this run added the log to the lake's record. */
  added: boolean;
}

const sameLog = (a: LogIdentity, b: LogIdentity) => a.kind === b.kind && a.id === b.id;

function describeBehind(behind: readonly Behind[]): string {
  const [b] = behind;
  const more = behind.length > 1 ? ` (and ${behind.length - 1} more partition(s))` : '';
  return `${b!.topic} partition ${b!.partition} holds offsets up to ${b!.landed} but the log ends at ${b!.end}${more}`;
}

function howToProceed(folder: string): string {
  return (
    'Land into a fresh lake (another LAMBDA_IOT_DATA_DIR, or another bucket with LAMBDA_IOT_STORE=s3), or run ' +
    `'lambda-iot land --new-log' to land this log beside the old one, under raw/{kind}/date=…/log=${folder}/ ` +
    '(the batch reads both; readings in both logs count twice).'
  );
}

/**
 * Checks that the lake may take this log's messages and records it: resumes into the log the lake lists
 * for this identity while the log reaches the lake's highest offsets; adopts the log for a lake without a
 * record when its offsets fit; with `newLog`, adds a log the lake does not hold (or a reset one) under the
 * next `log=` folder. Otherwise throws LakeLogMismatchError naming both logs and how to proceed.
 * @example const { folder } = await bindLakeToLog({ store, log, topics, landed: landed.landed, warn });
 */
export async function bindLakeToLog(options: BindLakeOptions): Promise<LakeLogBinding> {
  const { store, log, topics, landed, warn } = options;
  const identity = await log.identity();
  const ends = new Map<string, number>();
  for (const topic of topics) {
    for (const p of await log.partitionOffsets(topic))
      ends.set(partitionKey(topic, p.partition), p.endOffset);
  }
  const behindIn = (folder: string | undefined): Behind[] => {
    const out: Behind[] = [];
    for (const [key, next] of nextOffsets(landed, folder)) {
      const end = ends.get(key) ?? 0;
      if (next > end) {
        const [topic, partition] = key.split('\u0000');
        out.push({ topic: topic!, partition: Number(partition), landed: next - 1, end });
      }
    }
    return out;
  };
  const record = await readLakeLogs(store);
  const entries = record?.logs ?? [];
  const nextFolder = String(
    Math.max(1, ...entries.map((e) => Number(e.folder ?? 1)).filter(Number.isSafeInteger)) + 1,
  );
  const add = async (folder: string | undefined): Promise<LakeLogBinding> => {
    const entry: LakeLogEntry = { log: identity, since: new Date().toISOString() };
    if (folder !== undefined) entry.folder = folder;
    const logs: LakeLogs = { logs: [...entries, entry] };
    await store.put(LAKE_LOGS_KEY, Buffer.from(`${JSON.stringify(logs, null, 2)}\n`), {
      contentType: 'application/json',
    });
    return { log: identity, folder, added: true };
  };
  const described = describeLogIdentity(identity);
  const match = [...entries].reverse().find((e) => sameLog(e.log, identity));

  if (match !== undefined) {
    const behind = behindIn(match.folder);
    if (behind.length === 0) {
      if (options.newLog) warn(`--new-log ignored: the lake already holds ${described} and it fits the lake`);
      return { log: identity, folder: match.folder, added: false };
    }
    if (options.newLog) return add(nextFolder);
    throw new LakeLogMismatchError(
      `lake log mismatch: the lake holds ${described}, but ${describeBehind(behind)}: the topic was deleted and ` +
        `created again, or the log was reset. ${howToProceed(nextFolder)}`,
    );
  }
  if (entries.length === 0) {
    if (landed.length === 0) return add(undefined);
    // A lake landed before logs were recorded: its log is taken to be this one when the offsets fit.
    const behind = behindIn(undefined);
    if (behind.length === 0 && landed.every((f) => f.log === undefined)) {
      warn(
        `the lake recorded no log yet; it is taken as landed from ${described} (its offsets fit this log)`,
      );
      return add(undefined);
    }
    if (options.newLog) return add(nextFolder);
    throw new LakeLogMismatchError(
      `lake log mismatch: the lake records no log and ${describeBehind(behind)}, so it was landed from ` +
        `another log than ${described}. ${howToProceed(nextFolder)}`,
    );
  }
  if (options.newLog) return add(nextFolder);
  const last = entries.at(-1)!;
  throw new LakeLogMismatchError(
    `lake log mismatch: the lake was landed from ${describeLogIdentity(last.log)} (recorded in ${LAKE_LOGS_KEY}` +
      `${entries.length > 1 ? `, with ${entries.length - 1} other log(s)` : ''}), but this log is ${described}. ` +
      howToProceed(nextFolder),
  );
}
