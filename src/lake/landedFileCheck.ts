import { parquetMetadataAsync, parquetReadObjects } from 'hyparquet';
import type { ObjectStore } from '../store/objectStore.js';
import { storeAsyncBuffer } from './lakeSummary.js';
import type { LandedObject } from './landedOffsets.js';
import { LANDED_METADATA } from './rawFileWriter.js';
import { RAW_ROOT } from './rawLayout.js';
import type { RawDataset } from './rawSchema.js';

/**
 * `land` trusts a file named like a landed file only after reading its footer (a few KB, ranged reads):
 * it has the raw dataset's columns, its rows come from the partition and offsets its name says, and its
 * rows plus the dead letters its metadata records are as many as the offsets its name covers. A file
 * that fails is moved aside, under raw/_rejected/, and its offsets are landed again.
 */

/** Where rejected files are moved: outside raw/{kind}/, so the batch does not read them. */
export const REJECTED_ROOT = `${RAW_ROOT}/_rejected`;

const numberOf = (value: unknown): number | undefined =>
  typeof value === 'bigint' || typeof value === 'number' ? Number(value) : undefined;

/** The range of a column's values, from the footer's statistics or (without them) from the column itself. */
async function columnRange(
  file: Parameters<typeof parquetReadObjects>[0]['file'],
  metadata: Awaited<ReturnType<typeof parquetMetadataAsync>>,
  column: string,
): Promise<{ min: number; max: number } | undefined> {
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  let complete = true;
  for (const group of metadata.row_groups) {
    if (Number(group.num_rows) === 0) continue;
    const chunk = group.columns.find((c) => c.meta_data?.path_in_schema.join('.') === column);
    const stats = chunk?.meta_data?.statistics;
    const lo = numberOf(stats?.min_value ?? stats?.min);
    const hi = numberOf(stats?.max_value ?? stats?.max);
    if (lo === undefined || hi === undefined) {
      complete = false;
      break;
    }
    min = Math.min(min, lo);
    max = Math.max(max, hi);
  }
  if (!complete) {
    min = Number.POSITIVE_INFINITY;
    max = Number.NEGATIVE_INFINITY;
    for (const row of await parquetReadObjects({ file, metadata, columns: [column] })) {
      const value = numberOf(row[column]);
      if (value === undefined) return undefined;
      min = Math.min(min, value);
      max = Math.max(max, value);
    }
  }
  return min === Number.POSITIVE_INFINITY ? { min: Number.NaN, max: Number.NaN } : { min, max };
}

/**
 * Why a file named like a landed file cannot be trusted, or undefined when it can. A file without the
 * dead-letter count (written before files recorded it) passes with no more rows than offsets.
 * @example const problem = await landedFileProblem(store, file, RAW_TELEMETRY);
 */
export async function landedFileProblem(
  store: ObjectStore,
  file: LandedObject,
  dataset: RawDataset<unknown>,
): Promise<string | undefined> {
  const buffer = storeAsyncBuffer(store, file);
  let metadata: Awaited<ReturnType<typeof parquetMetadataAsync>>;
  try {
    metadata = await parquetMetadataAsync(buffer);
  } catch (error) {
    return `not a readable Parquet file (${(error as Error).message})`;
  }
  const names = new Set(metadata.schema.slice(1).map((s) => s.name));
  const missing = dataset.columns.filter((c) => !names.has(c.name)).map((c) => c.name);
  if (missing.length > 0) return `lacks the raw ${dataset.kind} column(s) ${missing.join(', ')}`;
  const rows = Number(metadata.num_rows);
  const offsets = file.lastOffset - file.firstOffset + 1;
  const recorded = metadata.key_value_metadata?.find((kv) => kv.key === LANDED_METADATA.deadLettered);
  if (recorded !== undefined) {
    const deadLettered = Number(recorded.value);
    if (!Number.isSafeInteger(deadLettered) || rows + deadLettered !== offsets) {
      return `holds ${rows} rows and ${recorded.value} dead letters, not the ${offsets} offsets its name covers`;
    }
  } else if (rows > offsets) {
    return `holds ${rows} rows, more than the ${offsets} offsets its name covers`;
  }
  if (rows === 0) return undefined;
  try {
    const offsetRange = await columnRange(buffer, metadata, 'source_offset');
    if (
      offsetRange === undefined ||
      !(offsetRange.min >= file.firstOffset && offsetRange.max <= file.lastOffset)
    ) {
      return `holds source offsets ${offsetRange?.min ?? '?'}–${offsetRange?.max ?? '?'}, outside ${file.firstOffset}–${file.lastOffset}`;
    }
    const partitions = await columnRange(buffer, metadata, 'source_partition');
    if (partitions === undefined || partitions.min !== file.partition || partitions.max !== file.partition) {
      return `holds rows of source partitions ${partitions?.min ?? '?'}–${partitions?.max ?? '?'}, not ${file.partition}`;
    }
  } catch (error) {
    return `unreadable source offsets (${(error as Error).message})`;
  }
  return undefined;
}

/**
 * Moves a rejected file to `raw/_rejected/{stamp}/{kind}/date=…/{name}` (copy, then delete) and returns
 * the new key. Nothing is deleted that was not copied first.
 */
export async function moveAside(store: ObjectStore, key: string, stamp: string): Promise<string> {
  const target = `${REJECTED_ROOT}/${stamp}/${key.slice(RAW_ROOT.length + 1)}`;
  await store.put(target, await store.get(key));
  await store.delete(key);
  return target;
}
