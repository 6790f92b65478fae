import { InvalidArgumentError } from '../errors.js';
import type { ListOptions } from './objectStore.js';

/** Largest page S3 returns (ListObjectsV2 caps MaxKeys at 1000). */
export const MAX_PAGE_SIZE = 1000;

/** Checks a `getRange` request: whole numbers, 0 ≤ start ≤ end. */
export function assertByteRange(key: string, start: number, end: number | undefined): void {
  const bad =
    !Number.isSafeInteger(start) ||
    start < 0 ||
    (end !== undefined && (!Number.isSafeInteger(end) || end < start));
  if (bad) {
    throw new InvalidArgumentError(
      `lake range rejected: ${start}..${end ?? 'end'} of ${key} (expected whole numbers with 0 ≤ start ≤ end)`,
      { context: { key, start, end } },
    );
  }
}

/** The page size of a listing: a whole number from 1 to 1000, default 1000. */
export function pageSizeOf(options: ListOptions | undefined): number {
  const size = options?.pageSize ?? MAX_PAGE_SIZE;
  if (!Number.isSafeInteger(size) || size < 1 || size > MAX_PAGE_SIZE) {
    throw new InvalidArgumentError(`lake list pageSize rejected: ${size} (expected 1 to ${MAX_PAGE_SIZE})`);
  }
  return size;
}
