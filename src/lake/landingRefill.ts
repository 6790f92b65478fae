import type { Consumer, Log } from '../bus/port.js';
import type { ObjectStore } from '../store/objectStore.js';
import { landedFileProblem, moveAside } from './landedFileCheck.js';
import type { LandedObject } from './landedOffsets.js';
import { partitionKey } from './landedOffsets.js';
import {
  describeRange,
  gapsIn,
  inRanges,
  type LostRange,
  mergeRanges,
  type OffsetRange,
  recordLostRange,
} from './landingGaps.js';
import type { LandingResume } from './landingResume.js';
import type { RawDataset } from './rawSchema.js';

/** A landed file `land` did not trust, and where it was moved. */
export interface RejectedFile {
  key: string;
  reason: string;
  movedTo: string;
}

/**
 * Reads the footer of every landed file of one log's folder and moves aside those that fail
 * (landedFileProblem), each reported through `warn`. Returns the files trusted and those rejected.
 * @example const { trusted } = await verifyLandedFiles({ store, files, datasets, warn });
 */
export async function verifyLandedFiles(options: {
  store: ObjectStore;
  files: readonly LandedObject[];
  /** The raw dataset of each landed topic. */
  datasets: Map<string, RawDataset<unknown>>;
  warn: (message: string) => void;
}): Promise<{ trusted: LandedObject[]; rejected: (RejectedFile & { file: LandedObject })[] }> {
  const { store, warn } = options;
  const trusted: LandedObject[] = [];
  const rejected: (RejectedFile & { file: LandedObject })[] = [];
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  for (const file of options.files) {
    const problem = await landedFileProblem(store, file, options.datasets.get(file.topic)!);
    if (problem === undefined) {
      trusted.push(file);
      continue;
    }
    const movedTo = await moveAside(store, file.key, stamp);
    warn(
      `raw file rejected: ${file.key} ${problem}; moved to ${movedTo}, and its offsets ` +
        `${file.firstOffset}–${file.lastOffset} are landed again`,
    );
    rejected.push({ key: file.key, reason: problem, movedTo, file });
  }
  return { trusted, rejected };
}

export interface RefillOptions {
  consumer: Consumer;
  log: Log;
  store: ObjectStore;
  /** Where each partition resumes (resumeLanding); `offset` moves back to the first range to land again. */
  resumed: LandingResume[];
  /** The files trusted, of the log's folder. */
  trusted: readonly LandedObject[];
  /** The ranges of rejected files (landed again). */
  rejected: readonly LandedObject[];
  /** Lost ranges already recorded, of the log's folder. */
  lost: readonly LostRange[];
  /** The lake's `log=` folder of the log (undefined: its first log). */
  folder?: string;
  /** Land again every gap between landed ranges, not only those of rejected files. */
  everyGap?: boolean;
  warn: (message: string) => void;
}

/** Which records a landing run lands (see planRefill), and the ranges it recorded as lost. */
export interface RefillPlan {
  wanted(topic: string, partition: number, offset: number): boolean;
  lost: LostRange[];
}

/**
 * Plans what a landing run lands before its tail: the ranges of rejected files and, with `everyGap`,
 * every gap between landed ranges (below the newest landed offset). What the log still holds is landed
 * again: the partition is moved back to the first such range and records outside those ranges are
 * skipped until the tail. What the log no longer holds (below its oldest offset) is recorded as lost,
 * as are offsets that left the log between the lake's newest file and the log's oldest offset.
 * @example const plan = await planRefill({ consumer, log, store, resumed, trusted, rejected, lost, warn });
 */
export async function planRefill(options: RefillOptions): Promise<RefillPlan> {
  const { consumer, log, store, folder, warn } = options;
  const starts = new Map<string, number>();
  for (const topic of new Set(options.resumed.map((r) => r.topic))) {
    for (const p of await log.partitionOffsets(topic))
      starts.set(partitionKey(topic, p.partition), p.startOffset);
  }
  const rangesOf = (
    files: readonly { topic: string; partition: number; firstOffset: number; lastOffset: number }[],
  ) => {
    const out = new Map<string, OffsetRange[]>();
    for (const f of files) {
      const key = partitionKey(f.topic, f.partition);
      if (!out.has(key)) out.set(key, []);
      out.get(key)!.push({ first: f.firstOffset, last: f.lastOffset });
    }
    return out;
  };
  const landed = rangesOf(options.trusted);
  const lostBefore = rangesOf(options.lost);
  const rejected = rangesOf(options.rejected);
  const holes = new Map<string, OffsetRange[]>();
  const tails = new Map<string, number>();
  const lost: LostRange[] = [];
  const recordLost = async (topic: string, partition: number, range: OffsetRange, why: string) => {
    const entry: LostRange = { topic, partition, firstOffset: range.first, lastOffset: range.last };
    if (folder !== undefined) entry.log = folder;
    const key = await recordLostRange(store, entry, why);
    warn(`${topic} partition ${partition}: offsets ${describeRange(range)} ${why}; recorded in ${key}`);
    lost.push(entry);
  };

  for (const r of options.resumed) {
    const key = partitionKey(r.topic, r.partition);
    const start = starts.get(key) ?? 0;
    const known = [...(landed.get(key) ?? []), ...(lostBefore.get(key) ?? [])];
    const lakeNext = r.lake ?? 0;
    // Offsets that left the log before the lake's newest file reached them.
    if (r.offset === start && lakeNext < start) {
      for (const gap of gapsIn(known, lakeNext, start - 1)) {
        await recordLost(
          r.topic,
          r.partition,
          gap,
          `left the log (oldest offset now ${start}) before they were landed`,
        );
      }
    }
    const wanted: OffsetRange[] = options.everyGap
      ? gapsIn(known, 0, lakeNext - 1)
      : (rejected.get(key) ?? []).flatMap((x) => gapsIn(known, x.first, Math.min(x.last, r.offset - 1)));
    const again: OffsetRange[] = [];
    for (const gap of mergeRanges(wanted)) {
      if (gap.first < start) {
        await recordLost(
          r.topic,
          r.partition,
          { first: gap.first, last: Math.min(gap.last, start - 1) },
          `are in no landed file and left the log (oldest offset now ${start})`,
        );
      }
      if (gap.last >= start) again.push({ first: Math.max(gap.first, start), last: gap.last });
    }
    tails.set(key, r.offset);
    if (again.length === 0) continue;
    holes.set(key, again);
    r.refill = again;
    if (again[0]!.first < r.offset) {
      r.offset = again[0]!.first;
      consumer.seek({ topic: r.topic, partition: r.partition, offset: r.offset });
    }
    warn(
      `${r.topic} partition ${r.partition}: landing offsets ${again.map(describeRange).join(', ')} again (in no trusted file)`,
    );
  }
  return {
    lost,
    wanted(topic, partition, offset) {
      const key = partitionKey(topic, partition);
      const tail = tails.get(key);
      if (tail === undefined || offset >= tail) return true;
      return inRanges(holes.get(key) ?? [], offset);
    },
  };
}
