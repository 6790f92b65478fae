import { type AsyncBuffer, parquetMetadataAsync } from 'hyparquet';
import { assertKeyPrefix } from '../store/objectKey.js';
import type { ObjectInfo, ObjectStore } from '../store/objectStore.js';
import { rawKeyDate } from './rawLayout.js';

/**
 * A store object as a hyparquet AsyncBuffer: only the byte ranges hyparquet asks for (the footer) are
 * fetched, through the store's ranged reads.
 */
export function storeAsyncBuffer(store: ObjectStore, object: ObjectInfo): AsyncBuffer {
  return {
    byteLength: object.size,
    async slice(start: number, end?: number): Promise<ArrayBuffer> {
      const bytes = await store.getRange(object.key, start, end);
      return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
    },
  };
}

/** Objects, rows and bytes under one folder of the lake (a date partition such as raw/telemetry/date=2025-04-01/). */
export interface LakePartition {
  /** The folder, ending in '/'. */
  prefix: string;
  objects: number;
  /** Rows in its Parquet files (read from their footers); null when the folder holds no Parquet file. */
  rows: number | null;
  bytes: number;
  /** Parquet files whose footer could not be read (named in `unreadable`). */
  unreadable: string[];
}

export interface LakeSummary {
  prefix: string;
  partitions: LakePartition[];
  totals: { objects: number; rows: number; bytes: number };
}

/** The folder an object is counted under: its date partition for raw files, otherwise its parent folder. */
function folderOf(key: string): string {
  const raw = rawKeyDate(key);
  if (raw !== undefined) return `raw/${raw.kind}/date=${raw.date}/`;
  const slash = key.lastIndexOf('/');
  return slash < 0 ? '' : key.slice(0, slash + 1);
}

/**
 * Objects, rows and bytes per folder under `prefix` (default: the whole lake), in key order. Row counts
 * come from the Parquet footers, fetched with ranged reads (a few KB per file, not the whole file).
 * @example const summary = await summarizeLake(store, 'raw/telemetry/');
 */
export async function summarizeLake(store: ObjectStore, prefix = ''): Promise<LakeSummary> {
  assertKeyPrefix(prefix);
  const byFolder = new Map<string, LakePartition>();
  for await (const object of store.list(prefix)) {
    const folder = folderOf(object.key);
    let partition = byFolder.get(folder);
    if (partition === undefined) {
      partition = { prefix: folder, objects: 0, rows: null, bytes: 0, unreadable: [] };
      byFolder.set(folder, partition);
    }
    partition.objects++;
    partition.bytes += object.size;
    if (!object.key.endsWith('.parquet')) continue;
    try {
      const metadata = await parquetMetadataAsync(storeAsyncBuffer(store, object));
      partition.rows = (partition.rows ?? 0) + Number(metadata.num_rows);
    } catch {
      partition.unreadable.push(object.key);
    }
  }
  const partitions = [...byFolder.values()].sort((a, b) =>
    a.prefix < b.prefix ? -1 : a.prefix > b.prefix ? 1 : 0,
  );
  return {
    prefix,
    partitions,
    totals: {
      objects: partitions.reduce((n, p) => n + p.objects, 0),
      rows: partitions.reduce((n, p) => n + (p.rows ?? 0), 0),
      bytes: partitions.reduce((n, p) => n + p.bytes, 0),
    },
  };
}
