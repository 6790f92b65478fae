import type { ObjectStore } from '../store/objectStore.js';
import { parseRawFileKey, RAW_KINDS, type RawFileName, rawPrefix } from './rawLayout.js';

/** What the lake says has been landed: the next offset to land per topic partition. */
export interface LandedOffsets {
  /** `${topic}\u0000${partition}` → highest landed offset + 1. */
  next: Map<string, number>;
  /** Files following the landing pattern for the given topics. */
  files: number;
  /** Keys under raw/ that do not follow the landing pattern (the batch layer reads them; the resume ignores them). */
  foreign: string[];
}

export const partitionKey = (topic: string, partition: number) => `${topic}\u0000${partition}`;

/**
 * Reads the highest landed offset per partition of `topics` from the names of the files under raw/
 * (the names are the truth: a file is either wholly there or not at all). Files of other topics (another
 * name prefix) are skipped silently; keys that do not follow the pattern are returned in `foreign`.
 * @example const landed = await readLandedOffsets(store, ['iot-telemetry', 'iot-events']);
 */
export async function readLandedOffsets(
  store: ObjectStore,
  topics: readonly string[],
): Promise<LandedOffsets> {
  const result: LandedOffsets = { next: new Map(), files: 0, foreign: [] };
  for (const kind of RAW_KINDS) {
    for await (const object of store.list(rawPrefix(kind))) {
      const file: RawFileName | undefined = parseRawFileKey(object.key);
      if (file === undefined) {
        result.foreign.push(object.key);
        continue;
      }
      if (!topics.includes(file.topic)) continue;
      result.files++;
      const key = partitionKey(file.topic, file.partition);
      result.next.set(key, Math.max(result.next.get(key) ?? 0, file.lastOffset + 1));
    }
  }
  return result;
}
