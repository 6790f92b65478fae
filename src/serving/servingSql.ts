import fs from 'node:fs';
import path from 'node:path';
import { KitError } from '../errors.js';
import { findProjectRoot } from '../util/projectRoot.js';
import type { ServingView } from './port.js';

/** The SQL files of the embedded serving layer: `sql/duckdb/serving/` of the kit. */
export function servingSqlDir(): string {
  const starts = [process.cwd(), process.argv[1] ? path.dirname(process.argv[1]) : undefined];
  for (const start of starts) {
    if (start === undefined) continue;
    const dir = path.join(findProjectRoot(start), 'sql', 'duckdb', 'serving');
    if (fs.existsSync(path.join(dir, 'schema.sql'))) return dir;
  }
  throw new KitError(
    `serving: cannot find sql/duckdb/serving/schema.sql from ${process.cwd()}; run the kit from its folder`,
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
