import type { DuckDBResultReader } from '@duckdb/node-api';
import type { QueryResult } from './port.js';

/** Integer types whose JSON form is a string; converted to numbers when exact. */
const WIDE = new Set(['BIGINT', 'UBIGINT', 'HUGEINT', 'UHUGEINT']);

/**
 * A result as column names, type names and JSON-safe rows: TIMESTAMP values as ISO 8601 with Z (the serving
 * session runs in UTC), dates as YYYY-MM-DD, BIGINTs as numbers when they fit exactly.
 */
export function resultOf(reader: DuckDBResultReader): QueryResult {
  const names = reader.columnNames();
  const types = reader.columnTypes().map((t) => t.toString());
  const rows = reader.getRowObjectsJson() as Record<string, unknown>[];
  for (const [i, name] of names.entries()) {
    const type = types[i]!;
    const timestamp = type.startsWith('TIMESTAMP');
    if (!timestamp && !WIDE.has(type)) continue;
    for (const row of rows) {
      const value = row[name];
      if (typeof value !== 'string') continue;
      if (timestamp) row[name] = `${value.replace(' ', 'T').replace(/\+00(:00)?$/, '')}Z`;
      else if (Number.isSafeInteger(Number(value))) row[name] = Number(value);
    }
  }
  return { columns: names.map((name, i) => ({ name, type: types[i]! })), rows };
}
