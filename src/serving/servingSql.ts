import fs from 'node:fs';
import path from 'node:path';
import { kitPath } from '../util/projectRoot.js';
import type { ServingView } from './port.js';

/** The SQL files of the embedded serving layer: `sql/duckdb/serving/` of the kit. */
export function servingSqlDir(): string {
  return path.dirname(
    kitPath('sql/duckdb/serving/schema.sql', 'serving: cannot find sql/duckdb/serving/schema.sql'),
  );
}

/** The text of one serving SQL file: `schema`, `serving_freshness` or a view's SELECT. */
export function readServingSql(
  name: 'schema' | 'serving_freshness' | ServingView,
  dir = servingSqlDir(),
): string {
  return fs.readFileSync(path.join(dir, `${name}.sql`), 'utf8');
}

/** The key columns of each view and the table of keys touched since its last refresh. */
export const VIEW_KEYS: Record<ServingView, { dirty: string; columns: [string, string] }> = {
  anomaly_rollup: { dirty: 'dirty_hours', columns: ['device_id', 'hour'] },
  unified_device_health: { dirty: 'dirty_days', columns: ['device_id', 'date'] },
};
