import { CatalogRefNotFoundError, CatalogTableNotFoundError } from '../errors.js';
import type { TableName } from '../iceberg/tableName.js';
import type { RefSpec } from './port.js';

/** How many names a not-found message lists before "… and N more". */
const LISTED = 20;

/** Names for a message: `a, b, c`, the first 20 and "… and N more" beyond. */
export function listNames(names: readonly string[]): string {
  const shown = names.slice(0, LISTED).join(', ');
  return names.length > LISTED ? `${shown}, … and ${names.length - LISTED} more` : shown;
}

/** A ref as messages show it: a branch, `branch@<12 hex>`, a 12-hex hash, or `branch as of <ISO time>`. */
export function describeRef(ref: RefSpec): string {
  if (typeof ref !== 'string') return `${ref.branch} as of ${new Date(ref.asOfMs).toISOString()}`;
  const at = ref.indexOf('@');
  if (at >= 0) return `${ref.slice(0, at)}@${ref.slice(at + 1, at + 13)}`;
  return /^[0-9a-f]{13,}$/.test(ref) ? ref.slice(0, 12) : ref;
}

/** "catalog branch not found: x; branches: main, run-…". */
export function branchNotFound(name: string, branches: readonly string[], cause?: unknown) {
  return new CatalogRefNotFoundError(`catalog branch not found: ${name}; branches: ${listNames(branches)}`, {
    ref: name,
    cause,
  });
}

/** "catalog commit not found: <hash>". */
export function commitNotFound(hash: string, cause?: unknown) {
  return new CatalogRefNotFoundError(`catalog commit not found: ${hash}`, { ref: hash, cause });
}

/**
 * A hash prefix shorter than the catalog accepts, saying the minimum; with `branches`, for a ref that is
 * no branch either.
 */
export function hashTooShort(hash: string, minimum: number, branches?: readonly string[]) {
  const message =
    branches === undefined
      ? `catalog commit hash too short: ${hash} (give at least ${minimum} hex digits)`
      : `catalog ref not found: ${hash} is no branch (branches: ${listNames(branches)}) and too short for a ` +
        `commit hash (give at least ${minimum} hex digits)`;
  return new CatalogRefNotFoundError(message, { ref: hash });
}

/** "catalog table not found: iot.x at main; tables there: iot.a, iot.b" (or "no tables there"). */
export function tableNotFound(table: TableName, ref: RefSpec, tables: readonly TableName[], cause?: unknown) {
  const there = tables.length === 0 ? 'no tables there' : `tables there: ${listNames(tables)}`;
  return new CatalogTableNotFoundError(`catalog table not found: ${table} at ${describeRef(ref)}; ${there}`, {
    table,
    ref: describeRef(ref),
    cause,
  });
}
