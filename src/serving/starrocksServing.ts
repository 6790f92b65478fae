import type { Connection, FieldPacket } from 'mysql2/promise';
import { CLOSED_THROUGH_PROPERTY } from '../batch/closedThrough.js';
import { type Catalog, MAIN_BRANCH } from '../catalog/port.js';
import type { Config } from '../config/config.js';
import { CatalogNotFoundError, KitError } from '../errors.js';
import { GOLD_HEALTH_TABLE } from './embeddedServing.js';
import {
  type GoldAttachment,
  type QueryParams,
  type QueryResult,
  type RefreshResult,
  SERVING_VIEWS,
  type Serving,
  type ServingStatus,
  type ServingView,
} from './port.js';
import { ReadOnlyQueryError } from './readOnlySql.js';
import {
  fillPlaceholders,
  parseStarrocksUrl,
  placeholderValues,
  readSqlFiles,
  redactValues,
  type SqlFile,
  type SqlStatement,
  type StarrocksUrl,
  splitStatements,
} from './starrocksSql.js';
import { parseMaterializedViewRow, parseRoutineLoadRow, servingProblems } from './starrocksStatus.js';

/** The lake's Gold table as StarRocks reads it (sql/starrocks/40_lake_catalog.sql). */
export const STARROCKS_GOLD_TABLE = 'lambda_iot_lake.iot.gold_device_health';
/** gold_failure_predictions in the lake catalog (unified_device_health's model_risk_score). */
export const STARROCKS_PREDICTIONS_TABLE = 'lambda_iot_lake.iot.gold_failure_predictions';
/** The kit's routine loads (sql/starrocks/3x_*.sql). */
export const STARROCKS_ROUTINE_LOADS = [
  'anomalies_streaming_load',
  'device_health_rt_load',
  'anomaly_reviews_load',
];

/** What the adapter needs of the stack: the settings and the catalog (for the snapshot it serves). */
export interface StarrocksStack {
  config: Config;
  catalog(): Promise<Pick<Catalog, 'loadTable'>>;
}

/** A StarRocks (or MySQL-protocol) failure, with where it came from; never holds a secret. */
export class StarrocksError extends KitError {}

/** The part of a mysql2 promise connection the adapter uses. */
export type SqlConnection = Pick<Connection, 'query' | 'end' | 'escape'>;

/**
 * Connects over the MySQL protocol (mysql2, loaded on first use). Queries go through mysql2's `query` with
 * values escaped client-side — StarRocks' server-side prepared statements only take SELECT, and before 3.2
 * not even that. A refused login names LAMBDA_IOT_STARROCKS_URL; the password is never shown.
 */
export async function connectStarrocks(
  url: StarrocksUrl,
  options: { database?: string } = {},
): Promise<Connection> {
  const mod = await import('mysql2/promise');
  const mysql = (mod as unknown as { default?: typeof mod }).default ?? mod;
  try {
    return await mysql.createConnection({
      host: url.host,
      port: url.port,
      user: url.user,
      password: url.password,
      database: options.database,
      dateStrings: true,
      supportBigNumbers: true,
      bigNumberStrings: false,
      decimalNumbers: true,
      multipleStatements: false,
      connectTimeout: 10_000,
      typeCast: (field, next) => {
        if (field.type === 'TINY' && field.length === 1) {
          const v = field.string();
          return v === null ? null : v === '1';
        }
        return next();
      },
    });
  } catch (error) {
    const e = error as { code?: string; errno?: number; message?: string };
    const detail = redactValues(e.message ?? String(error), url.password ? { PASSWORD: url.password } : {});
    const hint =
      e.code === 'ER_ACCESS_DENIED_ERROR' || e.errno === 1045
        ? 'access denied: check the user and password in LAMBDA_IOT_STARROCKS_URL'
        : `cannot connect (check the host and port in LAMBDA_IOT_STARROCKS_URL): ${detail}`;
    throw new StarrocksError(`starrocks connect ${url.user}@${url.host}:${url.port}: ${hint}`, {
      cause: detail,
    });
  }
}

const CREATE_ROUTINE_LOAD = /^CREATE\s+ROUTINE\s+LOAD\s+((?:`[^`]+`|\w+)\.)?(\w+)/i;
const CREATE_DATABASE = /^CREATE\s+(?:DATABASE|SCHEMA)\s+(?:IF\s+NOT\s+EXISTS\s+)?(`[^`]+`|\w+)\s*$/i;

/** One statement's failure: file:line, the server's message (values redacted), the statement with its placeholders. */
function applyError(statement: SqlStatement, error: unknown, values: Record<string, string>): StarrocksError {
  const message = redactValues((error as Error).message ?? String(error), values);
  const shown = statement.sql.length > 600 ? `${statement.sql.slice(0, 600)} …` : statement.sql;
  return new StarrocksError(
    `starrocks apply ${statement.file}:${statement.line}: ${message}\n${shown.replace(/^/gm, '  ')}`,
  );
}

/**
 * Applies SQL files statement by statement, in order, idempotently: statements use IF NOT EXISTS where
 * StarRocks has it; a CREATE ROUTINE LOAD (which has none) runs only when `SHOW ALL ROUTINE LOAD FOR db.job`
 * does not list the job; a CREATE DATABASE is followed by USE of it. Placeholders are filled from `values`;
 * an error names the file and line and shows the statement with placeholder names, never their values.
 * @returns what was run and what was skipped, per statement
 */
export async function applySqlFiles(
  connection: SqlConnection,
  files: readonly SqlFile[],
  values: Record<string, string>,
): Promise<{ applied: string[]; skipped: string[] }> {
  const applied: string[] = [];
  const skipped: string[] = [];
  for (const file of files) {
    for (const statement of splitStatements(file)) {
      const where = `${statement.file}:${statement.line}`;
      const sql = fillPlaceholders(statement, values);
      const load = CREATE_ROUTINE_LOAD.exec(sql);
      try {
        if (load) {
          const job = `${load[1] ?? ''}${load[2]}`;
          const exists = await connection
            .query(`SHOW ALL ROUTINE LOAD FOR ${job}`)
            .then(([rows]) => Array.isArray(rows) && rows.length > 0)
            // StarRocks answers an unknown job with an error, not an empty result
            .catch(() => false);
          if (exists) {
            skipped.push(where);
            continue;
          }
        }
        await connection.query(sql);
        applied.push(where);
        const database = CREATE_DATABASE.exec(sql);
        if (database) await connection.query(`USE ${database[1]}`);
      } catch (error) {
        throw applyError(statement, error, values);
      }
    }
  }
  return { applied, skipped };
}

/** Words that make a statement read-only when they start it. */
const READ_ONLY_START = new Set(['SELECT', 'WITH', 'SHOW', 'DESC', 'DESCRIBE', 'EXPLAIN']);

/** Replaces `$name` parameters outside quotes by escaped values; checks the statement only reads. */
export function bindReadOnly(sql: string, params: QueryParams, escapeValue: (v: unknown) => string): string {
  const statements = splitStatements({ name: 'query', text: sql });
  if (statements.length !== 1) {
    throw new ReadOnlyQueryError(`sql: exactly one statement per call (got ${statements.length})`);
  }
  const body = statements[0]!.sql;
  const words = body.toUpperCase().split(/[\s(]+/);
  if (!READ_ONLY_START.has(words[0]!) || (words[0] === 'EXPLAIN' && words[1] === 'ANALYZE')) {
    throw new ReadOnlyQueryError(`sql: only SELECT, WITH … SELECT, SHOW, DESCRIBE and EXPLAIN are accepted`);
  }
  let out = '';
  let i = 0;
  while (i < body.length) {
    const c = body[i]!;
    if (c === "'" || c === '"' || c === '`') {
      let j = i + 1;
      while (j < body.length && body[j] !== c) j += body[j] === '\\' && c !== '`' ? 2 : 1;
      out += body.slice(i, j + 1);
      i = j + 1;
    } else if (c === '$' && /[A-Za-z_]/.test(body[i + 1] ?? '')) {
      const name = /^[A-Za-z_][A-Za-z0-9_]*/.exec(body.slice(i + 1))![0];
      if (!(name in params)) throw new ReadOnlyQueryError(`sql: no value for parameter $${name}`);
      out += escapeValue(params[name]);
      i += name.length + 1;
    } else {
      out += c;
      i++;
    }
  }
  // WITH … DELETE / INSERT / UPDATE: a word that writes, outside quotes
  if (
    words[0] === 'WITH' &&
    /\b(INSERT|UPDATE|DELETE|REPLACE|MERGE)\b/i.test(out.replace(/'[^']*'|"[^"]*"|`[^`]*`/g, ''))
  ) {
    throw new ReadOnlyQueryError('sql: a WITH statement must end in SELECT');
  }
  return out;
}

/** MySQL protocol column types → the type names QueryResult uses (as DuckDB spells them). */
const COLUMN_TYPES: Record<number, string> = {
  1: 'TINYINT',
  2: 'SMALLINT',
  3: 'INTEGER',
  4: 'FLOAT',
  5: 'DOUBLE',
  7: 'TIMESTAMP',
  8: 'BIGINT',
  9: 'INTEGER',
  10: 'DATE',
  12: 'TIMESTAMP',
  246: 'DECIMAL',
};

/** A mysql2 result as QueryResult: DATE "YYYY-MM-DD", DATETIME as ISO 8601 with Z (StarRocks stores UTC here). */
export function toQueryResult(rows: unknown, fields: FieldPacket[] | undefined): QueryResult {
  const columns = (fields ?? []).map((f) => {
    const code = f.columnType ?? f.type ?? 0;
    const type = code === 1 && f.columnLength === 1 ? 'BOOLEAN' : (COLUMN_TYPES[code] ?? 'VARCHAR');
    return { name: f.name, type };
  });
  const list = Array.isArray(rows) ? (rows as Record<string, unknown>[]) : [];
  const out = list.map((row) => {
    const copy: Record<string, unknown> = {};
    for (const { name, type } of columns) {
      const value = row[name];
      copy[name] =
        type === 'TIMESTAMP' && typeof value === 'string' ? `${value.replace(' ', 'T')}Z` : (value ?? null);
    }
    return copy;
  });
  return { columns, rows: out };
}

const sqlDateTime = (d: Date) => d.toISOString().replace('T', ' ').replace('Z', '');

/**
 * The serving layer on StarRocks: tables, routine loads (StarRocks consumes the topics itself), the lake as
 * an Iceberg REST catalog and asynchronous materialized views, all from sql/starrocks. Every process talks
 * to StarRocks directly (no owner process). The kit's part: apply the SQL, record the batch watermark and
 * refresh the views after a publish, answer queries, report the routine loads' and views' health.
 */
export class StarrocksServing implements Serving {
  readonly kind = 'starrocks' as const;

  private constructor(
    private readonly connection: Connection,
    private readonly stack: StarrocksStack,
    private readonly url: StarrocksUrl,
    private readonly files: SqlFile[],
  ) {}

  /**
   * Connects to LAMBDA_IOT_STARROCKS_URL (the database is used when it exists; applySchema creates it).
   * @example const serving = await StarrocksServing.open(stack); await serving.applySchema();
   */
  static async open(stack: StarrocksStack, files: SqlFile[] = readSqlFiles()): Promise<StarrocksServing> {
    const raw = stack.config.starrocksUrl;
    if (!raw) throw new StarrocksError('starrocks: LAMBDA_IOT_STARROCKS_URL is not set');
    const url = parseStarrocksUrl(raw);
    const connection = await connectStarrocks(url);
    await connection.query(`USE \`${url.database}\``).catch(() => undefined);
    return new StarrocksServing(connection, stack, url, files);
  }

  describe(): string {
    return `starrocks ${this.url.user}@${this.url.host}:${this.url.port}/${this.url.database}`;
  }

  async applySchema(): Promise<void> {
    await applySqlFiles(this.connection, this.files, placeholderValues(this.stack.config));
  }

  async write(): Promise<void> {
    throw new StarrocksError(
      'starrocks: rows are loaded by StarRocks routine loads from the topics, not written by the kit',
    );
  }

  private async run(sql: string, values: unknown[] = []): Promise<Record<string, unknown>[]> {
    try {
      const [rows] = await this.connection.query(sql, values);
      return Array.isArray(rows) ? (rows as Record<string, unknown>[]) : [];
    } catch (error) {
      throw new StarrocksError(`starrocks: ${(error as Error).message} (in: ${sql.split('\n')[0]})`, {
        cause: error,
      });
    }
  }

  async attachGold(ref: string = MAIN_BRANCH): Promise<GoldAttachment> {
    if (ref !== MAIN_BRANCH) {
      throw new StarrocksError(
        `starrocks: the lake catalog lambda_iot_lake reads branch ${MAIN_BRANCH} only (one catalog per branch); got ${ref}`,
      );
    }
    const catalog = await this.stack.catalog();
    let loaded: Awaited<ReturnType<typeof catalog.loadTable>>;
    try {
      loaded = await catalog.loadTable(ref, GOLD_HEALTH_TABLE);
    } catch (error) {
      if (!(error instanceof CatalogNotFoundError)) throw error;
      return { ref, commit: '', snapshotId: null, closedThrough: null, rows: 0, changed: false };
    }
    const snapshotId = loaded.metadata['current-snapshot-id'] ?? null;
    const snapshot = loaded.metadata.snapshots?.find((s) => s['snapshot-id'] === snapshotId);
    const closedThrough = snapshot?.summary[CLOSED_THROUGH_PROPERTY] ?? null;
    const [served] = await this.run('select gold_snapshot_id from serving_watermark where id = 1');
    const changed = snapshotId === null || Number(served?.gold_snapshot_id) !== snapshotId;
    if (changed) {
      // StarRocks caches Iceberg metadata: make it load the new snapshot before the views read it
      await this.run(`REFRESH EXTERNAL TABLE ${STARROCKS_GOLD_TABLE}`);
      // unified_device_health reads the failure model's score from the predictions table too
      await this.run(`REFRESH EXTERNAL TABLE ${STARROCKS_PREDICTIONS_TABLE}`);
      await this.run(
        'insert into serving_watermark (id, closed_through, gold_snapshot_id, gold_commit, updated_at) values (1, ?, ?, ?, ?)',
        [closedThrough, snapshotId, loaded.hash, sqlDateTime(new Date())],
      );
    }
    const [count] = await this.run(`select count(*) as n from ${STARROCKS_GOLD_TABLE}`);
    return { ref, commit: loaded.hash, snapshotId, closedThrough, rows: Number(count?.n ?? 0), changed };
  }

  /** REFRESH MATERIALIZED VIEW … WITH SYNC MODE (StarRocks recomputes the whole view over an external catalog). */
  async refresh(views: readonly ServingView[] = SERVING_VIEWS): Promise<RefreshResult[]> {
    const results: RefreshResult[] = [];
    for (const view of views) {
      const started = Date.now();
      await this.run(`REFRESH MATERIALIZED VIEW \`${view}\` WITH SYNC MODE`);
      const [count] = await this.run(`select count(*) as n from \`${view}\``);
      results.push({ view, mode: 'full', keys: Number(count?.n ?? 0), durationMs: Date.now() - started });
    }
    return results;
  }

  async query(sql: string, params: QueryParams = {}): Promise<QueryResult> {
    const bound = bindReadOnly(sql, params, (v) => this.connection.escape(v));
    try {
      const [rows, fields] = await this.connection.query(bound);
      return toQueryResult(rows, fields);
    } catch (error) {
      throw new StarrocksError(`starrocks query: ${(error as Error).message}`, { cause: error });
    }
  }

  async status(): Promise<ServingStatus> {
    const db = `\`${this.url.database}\``;
    const loads = (await this.run(`SHOW ALL ROUTINE LOAD FROM ${db}`)).map(parseRoutineLoadRow);
    const views = (await this.run(`SHOW MATERIALIZED VIEWS FROM ${db}`)).map(parseMaterializedViewRow);
    const freshness = (await this.query('select * from serving_freshness')).rows;
    const tables: Record<string, number> = {};
    for (const table of ['anomalies_streaming', 'device_health_rt', 'anomaly_reviews', ...SERVING_VIEWS]) {
      const [row] = await this.run(`select count(*) as n from \`${table}\``);
      tables[table] = Number(row?.n ?? 0);
    }
    const kitViews = views.filter((v) => (SERVING_VIEWS as readonly string[]).includes(v.name));
    return {
      kind: 'starrocks',
      where: this.describe(),
      freshness,
      refreshes: kitViews.map((v) => ({
        view_name: v.name,
        refreshed_at: v.lastRefreshFinished ?? '',
        mode: v.lastRefreshState ?? 'never',
        keys: v.rows ?? 0,
        duration_ms: Math.round((v.lastRefreshSeconds ?? 0) * 1000),
      })),
      tables,
      routineLoads: loads.filter((l) => STARROCKS_ROUTINE_LOADS.includes(l.name)),
      materializedViews: kitViews,
      problems: servingProblems(loads, views, { loads: STARROCKS_ROUTINE_LOADS, views: SERVING_VIEWS }),
    };
  }

  async reset(): Promise<void> {
    throw new StarrocksError(
      'starrocks: the kit does not rebuild StarRocks tables; its routine loads ingest from Kafka — truncate the tables and recreate the routine loads (offsets from the beginning) to reload',
    );
  }

  async close(): Promise<void> {
    await this.connection.end().catch(() => undefined);
  }
}
