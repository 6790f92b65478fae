import fs from 'node:fs';
import path from 'node:path';
import type { DuckDBValue } from '@duckdb/node-api';
import type { DuckSession } from '../duckdb/duckSession.js';
import { KitError } from '../errors.js';
import { kitPath } from '../util/projectRoot.js';

/** The batch layer's SQL models, in build order (each may use the tables built before it). */
export const MODELS = [
  'silver_telemetry_daily',
  'silver_events',
  'gold_device_health',
  'failure_features',
  'gold_failure_predictions',
  'gold_maintenance_schedule',
] as const;
export type ModelName = (typeof MODELS)[number];

/**
 * Models the batch run does not build: the failure model's labels (built over failure_features by
 * `lambda-iot model train|evaluate`, whose outcomes are days after the features' dates).
 */
export const TRAINING_MODELS = ['failure_labels'] as const;
/** Any SQL model of `sql/duckdb/`. */
export type SqlModelName = ModelName | (typeof TRAINING_MODELS)[number];

/** Readings a device's 7-day baseline needs before silver flags against it ($baseline_min_readings). */
export const BASELINE_MIN_READINGS = 100;

/** The folder of the DuckDB models: `sql/duckdb/` of the kit, found from the working directory or the command. */
export function sqlDir(): string {
  const first = `sql/duckdb/${MODELS[0]}.sql`;
  return path.dirname(kitPath(first, `batch: cannot find the SQL models (${first})`));
}

/** A model's SQL text. */
export function readModel(name: SqlModelName, dir = sqlDir()): string {
  return fs.readFileSync(path.join(dir, `${name}.sql`), 'utf8');
}

/** The `$name` parameters a SQL text uses. */
export function modelParameters(sql: string): string[] {
  const withoutComments = sql.replace(/--[^\n]*/g, '');
  return [...new Set([...withoutComments.matchAll(/\$([a-z_][a-z0-9_]*)/g)].map((m) => m[1]!))];
}

/**
 * Builds a model as a temporary table of the same name in the session, binding only the parameters the
 * model uses (values are bound, never pasted into the SQL). Returns its row count.
 * @example await buildModel(duck, 'silver_telemetry_daily', { from_date: '2025-04-01', to_date: '2025-04-07', vibration_threshold: 3, baseline_min_readings: 100 });
 */
export async function buildModel(
  duck: DuckSession,
  name: SqlModelName,
  params: Record<string, DuckDBValue>,
  dir = sqlDir(),
): Promise<number> {
  const sql = readModel(name, dir).trim().replace(/;\s*$/, '');
  const used = modelParameters(sql);
  const missing = used.filter((p) => !(p in params));
  if (missing.length > 0)
    throw new KitError(`batch model ${name}: no value for ${missing.map((p) => `$${p}`).join(', ')}`);
  const bound = Object.fromEntries(used.map((p) => [p, params[p]!]));
  await duck.connection.run(`CREATE OR REPLACE TEMP TABLE ${name} AS ${sql}`, bound);
  const [row] = await duck.rows<{ n: number }>(`SELECT count(*) AS n FROM ${name}`);
  return row!.n;
}

/** Which rows a model test sees when it runs as a publish audit (`-- scope:` in its header). */
export type ModelTestScope = 'days' | 'table';

/** One test of a model: a query returning the offending rows (none when it passes). */
export interface ModelTest {
  model: SqlModelName;
  name: string;
  sql: string;
  /**
   * `days` (default): as an audit, model names are bound to the rebuilt days only; `table`: Gold names to
   * the whole table on the run branch and silver names to everything the run built.
   */
  scope: ModelTestScope;
}

const SCOPES: readonly ModelTestScope[] = ['days', 'table'];

/** The `-- scope: …` line among the comment lines that open a test, if any. */
function scopeOf(model: SqlModelName, name: string, body: string): ModelTestScope {
  for (const line of body.trimStart().split('\n')) {
    if (!line.startsWith('--')) break;
    const scope = /^--\s*scope:\s*(\S+)\s*$/.exec(line)?.[1];
    if (scope === undefined) continue;
    if (!SCOPES.includes(scope as ModelTestScope))
      throw new KitError(
        `batch model test ${model}: '${name}' has scope '${scope}' (expected days or table)`,
      );
    return scope as ModelTestScope;
  }
  return 'days';
}

/**
 * The tests beside a model (`sql/duckdb/<model>.tests.sql`): queries introduced by `-- test: <name>`
 * lines, each returning the rows that break it; a `-- scope: table` line right after the name says the
 * test needs the whole table (see ModelTest.scope). Names are unique within a file.
 */
export function readModelTests(name: SqlModelName, dir = sqlDir()): ModelTest[] {
  const file = path.join(dir, `${name}.tests.sql`);
  if (!fs.existsSync(file)) return [];
  const parts = fs.readFileSync(file, 'utf8').split(/^-- test: (.+)$/m);
  const tests: ModelTest[] = [];
  for (let i = 1; i < parts.length; i += 2) {
    const testName = parts[i]!.trim();
    if (tests.some((t) => t.name === testName))
      throw new KitError(`batch model test ${name}: two tests named '${testName}' in ${file}`);
    const body = parts[i + 1]!;
    const sql = body
      .replace(/--[^\n]*/g, '')
      .trim()
      .replace(/;\s*$/, '');
    tests.push({ model: name, name: testName, sql, scope: scopeOf(name, testName, body) });
  }
  return tests;
}

/**
 * Runs every model test in the session over the tables the models built there (no binding to days or to a
 * branch: the run's publish audits do that, see modelTestAudits) and returns the failures with sample rows.
 */
export async function runModelTests(
  duck: DuckSession,
  dir = sqlDir(),
  models: readonly SqlModelName[] = MODELS,
): Promise<{ test: ModelTest; offending: Record<string, unknown>[] }[]> {
  const failures: { test: ModelTest; offending: Record<string, unknown>[] }[] = [];
  for (const model of models) {
    for (const test of readModelTests(model, dir)) {
      const offending = await duck.rows(`SELECT * FROM (${test.sql}) LIMIT 5`);
      if (offending.length > 0) failures.push({ test, offending });
    }
  }
  return failures;
}
