import type { ObjectStore } from '../store/objectStore.js';
import { RAW_ROOT } from './rawLayout.js';

/**
 * Gaps in what the lake landed. A landed file's name covers every offset it handled (rows and dead
 * letters), so a partition's files leave no gap unless one was lost: a file deleted or rejected, or
 * offsets that left the log before they were landed. The latter are recorded, one object per range,
 * under `raw/_lost/[log={n}/]{topic}-{partition}-{first}-{last}.json`, so the batch's gap audit accepts
 * them and a person can see what is missing.
 */

/** Offsets first..last, inclusive. */
export interface OffsetRange {
  first: number;
  last: number;
}

/** Offsets of one partition that the lake does not hold and the log no longer does. */
export interface LostRange {
  topic: string;
  partition: number;
  firstOffset: number;
  lastOffset: number;
  /** The lake's `log=` folder of the log (undefined: the lake's first log). */
  log?: string;
}

export const LOST_ROOT = `${RAW_ROOT}/_lost`;

const LOST_FILE = /^(.+)-(\d{1,10})-(\d{1,16})-(\d{1,16})\.json$/;
const LOG_PART = /^log=([A-Za-z0-9_-]{1,64})$/;

/** The key of a lost-range record. */
export function lostKey(range: LostRange): string {
  const log = range.log === undefined ? '' : `log=${range.log}/`;
  return `${LOST_ROOT}/${log}${range.topic}-${range.partition}-${range.firstOffset}-${range.lastOffset}.json`;
}

/** What a lost-range record's key says, or undefined for another key. */
export function parseLostKey(key: string): LostRange | undefined {
  if (!key.startsWith(`${LOST_ROOT}/`)) return undefined;
  const parts = key.slice(LOST_ROOT.length + 1).split('/');
  if (parts.length > 2) return undefined;
  const log = parts.length === 2 ? LOG_PART.exec(parts[0]!)?.[1] : undefined;
  if (parts.length === 2 && log === undefined) return undefined;
  const match = LOST_FILE.exec(parts.at(-1)!);
  if (!match) return undefined;
  const range: LostRange = {
    topic: match[1]!,
    partition: Number(match[2]),
    firstOffset: Number(match[3]),
    lastOffset: Number(match[4]),
  };
  if (range.lastOffset < range.firstOffset) return undefined;
  if (log !== undefined) range.log = log;
  return range;
}

/** Every lost-range record of the lake. */
export async function readLostRanges(store: ObjectStore): Promise<LostRange[]> {
  const lost: LostRange[] = [];
  for await (const object of store.list(`${LOST_ROOT}/`)) {
    const range = parseLostKey(object.key);
    if (range !== undefined) lost.push(range);
  }
  return lost;
}

/** Records a lost range (with the reason, for people) and returns its key. */
export async function recordLostRange(store: ObjectStore, range: LostRange, reason: string): Promise<string> {
  const key = lostKey(range);
  const body = { ...range, reason, recordedAt: new Date().toISOString() };
  await store.put(key, Buffer.from(`${JSON.stringify(body, null, 2)}\n`), {
    contentType: 'application/json',
  });
  return key;
}

/** Ranges sorted by first offset, overlapping and adjacent ones merged. */
export function mergeRanges(ranges: Iterable<OffsetRange>): OffsetRange[] {
  const sorted = [...ranges].sort((a, b) => a.first - b.first);
  const merged: OffsetRange[] = [];
  for (const r of sorted) {
    const last = merged.at(-1);
    if (last !== undefined && r.first <= last.last + 1) last.last = Math.max(last.last, r.last);
    else merged.push({ ...r });
  }
  return merged;
}

/**
 * The offsets of from..to that no range covers, as ranges.
 * @example gapsIn([{ first: 0, last: 9 }, { first: 20, last: 29 }], 0, 29); // [{ first: 10, last: 19 }]
 */
export function gapsIn(ranges: Iterable<OffsetRange>, from: number, to: number): OffsetRange[] {
  const gaps: OffsetRange[] = [];
  let next = from;
  for (const r of mergeRanges(ranges)) {
    if (r.last < next) continue;
    if (r.first > to) break;
    if (r.first > next) gaps.push({ first: next, last: Math.min(r.first - 1, to) });
    next = r.last + 1;
  }
  if (next <= to) gaps.push({ first: next, last: to });
  return gaps;
}

/** Whether `offset` lies in one of the sorted, merged ranges (binary search). */
export function inRanges(ranges: readonly OffsetRange[], offset: number): boolean {
  let lo = 0;
  let hi = ranges.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const r = ranges[mid]!;
    if (offset < r.first) hi = mid - 1;
    else if (offset > r.last) lo = mid + 1;
    else return true;
  }
  return false;
}

/** "12–40" or "12" for one offset. */
export const describeRange = (r: OffsetRange) => (r.first === r.last ? `${r.first}` : `${r.first}–${r.last}`);

/** Offsets of one partition in no landed file and not recorded as lost. */
export interface LandedGap extends OffsetRange {
  topic: string;
  partition: number;
  /** The lake's `log=` folder (undefined: its first log). */
  log?: string;
}

/**
 * The gaps in the landed files' ranges, per partition (and log folder) from offset 0 up to its highest
 * landed offset, less the recorded lost ranges.
 * @example landedGaps(files.flatMap((f) => f.landed ?? []), await readLostRanges(store));
 */
export function landedGaps(
  files: readonly {
    topic: string;
    partition: number;
    firstOffset: number;
    lastOffset: number;
    log?: string;
  }[],
  lost: readonly LostRange[],
): LandedGap[] {
  const byPartition = new Map<
    string,
    { topic: string; partition: number; log?: string; ranges: OffsetRange[] }
  >();
  const keyOf = (f: { topic: string; partition: number; log?: string }) =>
    `${f.log ?? ''}\u0000${f.topic}\u0000${f.partition}`;
  for (const f of files) {
    const key = keyOf(f);
    if (!byPartition.has(key))
      byPartition.set(key, { topic: f.topic, partition: f.partition, log: f.log, ranges: [] });
    byPartition.get(key)!.ranges.push({ first: f.firstOffset, last: f.lastOffset });
  }
  const lostBy = new Map<string, OffsetRange[]>();
  for (const l of lost) {
    const key = keyOf(l);
    if (!lostBy.has(key)) lostBy.set(key, []);
    lostBy.get(key)!.push({ first: l.firstOffset, last: l.lastOffset });
  }
  const gaps: LandedGap[] = [];
  for (const [key, p] of [...byPartition].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const highest = Math.max(...p.ranges.map((r) => r.last));
    for (const gap of gapsIn([...p.ranges, ...(lostBy.get(key) ?? [])], 0, highest)) {
      const found: LandedGap = { topic: p.topic, partition: p.partition, ...gap };
      if (p.log !== undefined) found.log = p.log;
      gaps.push(found);
    }
  }
  return gaps;
}

/** "iot-telemetry partition 0 offsets 100–199" (with "log=2 " before it for a second log). */
export function describeGap(gap: LandedGap): string {
  return `${gap.log === undefined ? '' : `log=${gap.log} `}${gap.topic} partition ${gap.partition} offsets ${describeRange(gap)}`;
}
