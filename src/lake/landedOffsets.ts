import type { ObjectInfo, ObjectStore } from '../store/objectStore.js';
import { parseRawFileKey, RAW_KINDS, type RawFileName, rawPrefix } from './rawLayout.js';

/** A file the landing sink named, with what its name says. */
export interface LandedObject extends RawFileName, ObjectInfo {}

/** What the lake says has been landed: the next offset to land per topic partition. */
export interface LandedOffsets {
  /** `${topic}\u0000${partition}` → highest landed offset + 1, for the files of the log folder asked for. */
  next: Map<string, number>;
  /** Files following the landing pattern for the given topics, of the log folder asked for. */
  files: number;
  /** Every file following the landing pattern for the given topics, of any log folder, in key order. */
  landed: LandedObject[];
  /** Keys under raw/ that do not follow the landing pattern (the batch layer reads them; the resume ignores them). */
  foreign: string[];
}

export const partitionKey = (topic: string, partition: number) => `${topic}\u0000${partition}`;

/**
 * Next offset to land per partition (`partitionKey`) after the files of one log folder (undefined: the
 * lake's first log, files directly in their date folder).
 * @example nextOffsets(landed.landed, '2').get(partitionKey('iot-telemetry', 0));
 */
export function nextOffsets(files: readonly RawFileName[], log: string | undefined): Map<string, number> {
  const next = new Map<string, number>();
  for (const file of files) {
    if (file.log !== log) continue;
    const key = partitionKey(file.topic, file.partition);
    next.set(key, Math.max(next.get(key) ?? 0, file.lastOffset + 1));
  }
  return next;
}

/**
 * Reads the highest landed offset per partition of `topics` from the names of the files under raw/
 * (the names are the truth: a file is either wholly there or not at all), for the files of one log
 * folder (default: the lake's first log). Files of other topics (another name prefix) are skipped
 * silently; keys that do not follow the pattern are returned in `foreign`.
 * @example const landed = await readLandedOffsets(store, ['iot-telemetry', 'iot-events']);
 */
export async function readLandedOffsets(
  store: ObjectStore,
  topics: readonly string[],
  log?: string,
): Promise<LandedOffsets> {
  const landed: LandedObject[] = [];
  const foreign: string[] = [];
  for (const kind of RAW_KINDS) {
    for await (const object of store.list(rawPrefix(kind))) {
      const file: RawFileName | undefined = parseRawFileKey(object.key);
      if (file === undefined) {
        foreign.push(object.key);
        continue;
      }
      if (!topics.includes(file.topic)) continue;
      landed.push({ ...object, ...file });
    }
  }
  return {
    next: nextOffsets(landed, log),
    files: landed.filter((f) => f.log === log).length,
    landed,
    foreign,
  };
}
