import { InvalidArgumentError } from '../errors.js';
import { objectKey } from '../store/objectKey.js';
import { utcDate } from '../time/utcTime.js';

/**
 * Where raw data lands in the lake:
 * `raw/{telemetry|events|anomalies}/date=YYYY-MM-DD/{topic}-{partition}-{firstOffset}-{lastOffset}.parquet`.
 * The date is the event date (UTC) of every row in the file; the name says which contiguous offset range
 * of which log partition the file holds, so writing it again after a crash replaces it instead of
 * duplicating it, and the highest landed offset per partition can be read from the names alone.
 * A lake that holds a second log (`land --new-log`) keeps that log's files one folder deeper,
 * `raw/{kind}/date=YYYY-MM-DD/log={n}/{topic}-…parquet`, so offsets of two logs never share a name.
 */

/** The raw datasets: one per landed topic (reviews: iot-anomaly-reviews, the only human-made data). */
export const RAW_KINDS = ['telemetry', 'events', 'anomalies', 'reviews'] as const;
export type RawKind = (typeof RAW_KINDS)[number];

/** The top folder of raw data. */
export const RAW_ROOT = 'raw';

/** What a landed file's name says about its rows. */
export interface RawFileName {
  kind: RawKind;
  /** Event date of every row, YYYY-MM-DD (UTC). */
  date: string;
  /** Physical topic name the rows came from. */
  topic: string;
  partition: number;
  /** First and last offset of the rows (inclusive); rows between them that were invalid went to iot-dlq. */
  firstOffset: number;
  lastOffset: number;
  /** The lake's name of the log the rows came from (`log=` folder), e.g. "2"; undefined for the lake's first log. */
  log?: string;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const FILE = /^(.+)-(\d{1,10})-(\d{1,16})-(\d{1,16})\.parquet$/;
const DATE_PART = /^date=(\d{4}-\d{2}-\d{2})$/;
const LOG_PART = /^log=([A-Za-z0-9_-]{1,64})$/;

/** Whether a YYYY-MM-DD string names a real calendar date. */
export function isCalendarDate(date: string): boolean {
  if (!DATE.test(date)) return false;
  const ms = Date.parse(`${date}T00:00:00Z`);
  return !Number.isNaN(ms) && utcDate(ms) === date;
}

/** `raw/{kind}/` or, with a date, `raw/{kind}/date=YYYY-MM-DD/`. */
export function rawPrefix(kind: RawKind, date?: string): string {
  if (date === undefined) return `${objectKey(RAW_ROOT, kind)}/`;
  if (!isCalendarDate(date)) throw new InvalidArgumentError(`not a date (YYYY-MM-DD): '${date}'`);
  return `${objectKey(RAW_ROOT, kind, `date=${date}`)}/`;
}

/**
 * The key of a landed file. Parts are validated like every lake key (a topic such as `../../etc` is
 * rejected before anything is written).
 * @example rawFileKey({ kind: 'telemetry', date: '2025-04-01', topic: 'iot-telemetry', partition: 0, firstOffset: 0, lastOffset: 99 })
 * // → 'raw/telemetry/date=2025-04-01/iot-telemetry-0-0-99.parquet'
 */
export function rawFileKey(file: RawFileName): string {
  if (!isCalendarDate(file.date)) throw new InvalidArgumentError(`not a date (YYYY-MM-DD): '${file.date}'`);
  const offsets = [file.partition, file.firstOffset, file.lastOffset];
  if (!offsets.every((n) => Number.isSafeInteger(n) && n >= 0) || file.lastOffset < file.firstOffset) {
    throw new InvalidArgumentError(
      `raw file offsets rejected: partition ${file.partition}, offsets ${file.firstOffset}–${file.lastOffset}`,
    );
  }
  if (file.log !== undefined && !LOG_PART.test(`log=${file.log}`)) {
    throw new InvalidArgumentError(`raw file log name rejected: '${file.log}'`);
  }
  return objectKey(
    RAW_ROOT,
    file.kind,
    `date=${file.date}`,
    ...(file.log === undefined ? [] : [`log=${file.log}`]),
    `${file.topic}-${file.partition}-${file.firstOffset}-${file.lastOffset}.parquet`,
  );
}

/**
 * The partition a landed file belongs to, for maps over partitions: topic and partition, and the log
 * folder when the file is not of the lake's first log (`log=2/iot-telemetry:0`).
 */
export function landedPartitionKey(file: Pick<RawFileName, 'topic' | 'partition' | 'log'>): string {
  return `${file.log === undefined ? '' : `log=${file.log}/`}${file.topic}:${file.partition}`;
}

/**
 * The date of a key under `raw/{kind}/date=YYYY-MM-DD/…` (or `…/date=YYYY-MM-DD/log={n}/…`), or undefined
 * when it is not laid out so.
 */
export function rawKeyDate(key: string): { kind: RawKind; date: string; log?: string } | undefined {
  const parts = key.split('/');
  if ((parts.length !== 4 && parts.length !== 5) || parts[0] !== RAW_ROOT) return undefined;
  const kind = parts[1] as RawKind;
  if (!RAW_KINDS.includes(kind)) return undefined;
  const date = DATE_PART.exec(parts[2]!)?.[1];
  if (date === undefined || !isCalendarDate(date)) return undefined;
  if (parts.length === 4) return { kind, date };
  const log = LOG_PART.exec(parts[3]!)?.[1];
  return log === undefined ? undefined : { kind, date, log };
}

/**
 * Reads a landed file's key back into what it says, or undefined for a key that does not follow the
 * landing pattern (such files are still raw data for the batch layer; the sink's resume ignores them).
 */
export function parseRawFileKey(key: string): RawFileName | undefined {
  const where = rawKeyDate(key);
  if (where === undefined || !key.endsWith('.parquet')) return undefined;
  const match = FILE.exec(key.slice(key.lastIndexOf('/') + 1));
  if (!match) return undefined;
  const [, topic, partition, first, last] = match;
  const file: RawFileName = {
    ...where,
    topic: topic!,
    partition: Number(partition),
    firstOffset: Number(first),
    lastOffset: Number(last),
  };
  if (!Number.isSafeInteger(file.lastOffset) || file.lastOffset < file.firstOffset) return undefined;
  return file;
}
