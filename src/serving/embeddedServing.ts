import fs from 'node:fs';
import path from 'node:path';
import { CLOSED_THROUGH_PROPERTY } from '../batch/closedThrough.js';
import { MAIN_BRANCH } from '../catalog/port.js';
import type { Config } from '../config/config.js';
import { columnNames, type DuckSession, duckTempDirectory, openDuckSession } from '../duckdb/duckSession.js';
import { CatalogTableNotFoundError } from '../errors.js';
import { tableQuery } from '../iceberg/tableReader.js';
import { resultOf } from './duckRows.js';
import {
  MARK_DAYS,
  MARK_TIMESTAMPS,
  UPSERT_ANOMALIES,
  UPSERT_REALTIME,
  UPSERT_REVIEWS,
} from './ingestSql.js';
import {
  type GoldAttachment,
  type QueryParams,
  type QueryResult,
  type RefreshResult,
  SERVING_VIEWS,
  type ServedRows,
  type Serving,
  type ServingContext,
  type ServingStatus,
  type ServingView,
} from './port.js';
import { prepareReadOnly } from './readOnlySql.js';
import { readServingSql } from './servingSql.js';
import { neverRefreshed, pruneServing, refreshView } from './viewRefresh.js';

/** The Gold table whose snapshot the serving layer tracks, and the other Gold tables it copies with it. */
export const GOLD_HEALTH_TABLE = 'iot.gold_device_health';
const OTHER_GOLD_TABLES = ['gold_failure_predictions', 'gold_maintenance_schedule'] as const;
/** Every table a reset empties (serving_watermark is cleared, not emptied). */
const SERVING_TABLES = [
  'anomalies_streaming',
  'device_health_rt',
  'anomaly_reviews',
  'gold_device_health',
  ...OTHER_GOLD_TABLES,
  'anomaly_rollup',
  'unified_device_health',
  'dirty_hours',
  'dirty_days',
  'view_refreshes',
];

/** What the serving layer records about the Gold it serves. */
export interface ServedWatermark {
  closedThrough: string | null;
  snapshotId: number | null;
  commit: string | null;
}

/** DuckDB types of the gold_device_health columns that are not text. */
const GOLD_TYPES: Record<string, string> = {
  readings: 'BIGINT',
  avg_energy: 'DOUBLE',
  max_temp: 'DOUBLE',
  min_health_score: 'DOUBLE',
  vibration_anomalies: 'BIGINT',
  temp_anomalies: 'BIGINT',
  avg_signal_strength: 'DOUBLE',
  failures_count: 'BIGINT',
  days_since_maintenance: 'BIGINT',
};

/** Columns of the serving copy of gold_device_health, in table order. */
const GOLD_COLUMNS = [
  'device_id',
  'date',
  'readings',
  'avg_energy',
  'max_temp',
  'min_health_score',
  'vibration_anomalies',
  'temp_anomalies',
  'avg_signal_strength',
  'failures_count',
  'days_since_maintenance',
];

/** The embedded serving database file: `serving/serving.duckdb` under the data directory. */
export function servingFile(config: Pick<Config, 'dataDir'>): string {
  return path.join(config.dataDir, 'serving', 'serving.duckdb');
}

/** JSON text of rows for `from_json` (the statement receives one parameter however many rows there are). */
const json = (rows: readonly object[]) => JSON.stringify(rows);

/** The newest value per key within a batch (later rows win), so one statement never proposes a key twice. */
function newestPerKey<T>(rows: readonly T[], key: (row: T) => string): T[] {
  const byKey = new Map<string, T>();
  for (const row of rows) byKey.set(key(row), row);
  return [...byKey.values()];
}

/**
 * The embedded serving layer: one DuckDB file, opened read-write by the one process that owns it (see
 * openServing). Ingested rows are upserted with the keys they touch; views are tables refreshed from those
 * keys; Gold is copied in as of a catalog ref, with the batch watermark its run recorded.
 */
export class EmbeddedServing implements Serving {
  readonly kind = 'embedded' as const;
  /** Set when the watermark changed: the merge must be recomputed for every key. */
  private unifiedStale = false;

  private constructor(
    private readonly duck: DuckSession,
    private readonly stack: ServingContext,
    private readonly file: string,
  ) {}

  /**
   * Opens (creating when missing) the serving file and applies the schema. Fails with DuckDB's lock error
   * when another process has the file open.
   * @example const serving = await EmbeddedServing.open(stack);
   */
  static async open(stack: ServingContext, file = servingFile(stack.config)): Promise<EmbeddedServing> {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const duck = await openDuckSession({ file, tempDirectory: duckTempDirectory(stack.config.dataDir) });
    const serving = new EmbeddedServing(duck, stack, file);
    try {
      await serving.applySchema();
    } catch (error) {
      duck.close();
      throw error;
    }
    return serving;
  }

  describe(): string {
    return `embedded ${this.file}`;
  }

  async applySchema(): Promise<void> {
    await this.duck.run(readServingSql('schema'));
  }

  async write(rows: ServedRows): Promise<void> {
    const anomalies = newestPerKey(
      rows.anomalies ?? [],
      (a) => `${a.device_id}\u0000${a.timestamp}\u0000${a.anomaly_type}`,
    );
    const realtime = newestPerKey(rows.realtime ?? [], (r) => `${r.device_id}\u0000${r.date}`);
    // The newest review of an identity wins: order by review time, then keep the last per key.
    const reviews = [...(rows.reviews ?? [])].sort((x, y) => x.reviewed_at.localeCompare(y.reviewed_at));
    const latestReviews = newestPerKey(
      reviews,
      (r) => `${r.device_id}\u0000${r.timestamp}\u0000${r.anomaly_type}`,
    );
    if (anomalies.length + realtime.length + latestReviews.length === 0) return;
    const touched = [...anomalies, ...latestReviews].map((r) => ({
      device_id: r.device_id,
      ts: r.timestamp,
    }));
    await this.duck.run('begin transaction');
    try {
      if (anomalies.length > 0) await this.duck.run(UPSERT_ANOMALIES, { rows: json(anomalies) });
      if (realtime.length > 0) await this.duck.run(UPSERT_REALTIME, { rows: json(realtime) });
      if (latestReviews.length > 0) await this.duck.run(UPSERT_REVIEWS, { rows: json(latestReviews) });
      if (touched.length > 0) await this.runEach(MARK_TIMESTAMPS, { rows: json(touched) });
      if (realtime.length > 0) {
        await this.duck.run(MARK_DAYS, {
          rows: json(realtime.map((r) => ({ device_id: r.device_id, date: r.date }))),
        });
      }
      await this.duck.run('commit');
    } catch (error) {
      await this.duck.run('rollback').catch(() => undefined);
      throw error;
    }
  }

  async attachGold(ref: string = MAIN_BRANCH): Promise<GoldAttachment> {
    const catalog = await this.stack.catalog();
    let loaded: Awaited<ReturnType<typeof catalog.loadTable>>;
    try {
      loaded = await catalog.loadTable(ref, GOLD_HEALTH_TABLE);
    } catch (error) {
      if (!(error instanceof CatalogTableNotFoundError)) throw error;
      return { ref, commit: '', snapshotId: null, closedThrough: null, rows: 0, changed: false };
    }
    const metadata = loaded.metadata;
    const snapshotId = metadata['current-snapshot-id'] ?? null;
    const snapshot = metadata.snapshots?.find((s) => s['snapshot-id'] === snapshotId);
    const closedThrough = snapshot?.summary[CLOSED_THROUGH_PROPERTY] ?? null;
    const [served] = await this.duck.rows<{ gold_snapshot_id: number | null }>(
      'select gold_snapshot_id from serving_watermark',
    );
    if (snapshotId !== null && served?.gold_snapshot_id === snapshotId) {
      const [count] = await this.duck.rows<{ n: number }>('select count(*) as n from gold_device_health');
      return { ref, commit: loaded.hash, snapshotId, closedThrough, rows: count?.n ?? 0, changed: false };
    }
    const tables = { ...(await this.stack.tables()), duck: this.duck };
    try {
      const from = await tableQuery(tables, metadata);
      const present = await columnNames(this.duck, from);
      const select = GOLD_COLUMNS.map((c) => (present.has(c) ? `"${c}"` : `null as "${c}"`)).join(', ');
      const others: { table: string; select: string }[] = [];
      for (const table of OTHER_GOLD_TABLES) {
        // Copied whole: the dashboard's panels read them; a table not yet published keeps its empty shape.
        const other = await catalog.loadTable(loaded.hash, `iot.${table}`).catch((error: unknown) => {
          if (error instanceof CatalogTableNotFoundError) return undefined;
          throw error;
        });
        if (other)
          others.push({ table, select: `select * from ${await tableQuery(tables, other.metadata)}` });
      }
      await this.replaceGold(
        `select ${select} from ${from}`,
        { closedThrough, snapshotId, commit: loaded.hash },
        {},
        others,
      );
    } finally {
      fs.rmSync(tables.tmpDir, { recursive: true, force: true });
    }
    const [count] = await this.duck.rows<{ n: number }>('select count(*) as n from gold_device_health');
    return { ref, commit: loaded.hash, snapshotId, closedThrough, rows: count?.n ?? 0, changed: true };
  }

  /**
   * Serves the given gold_device_health rows with a watermark, as attachGold does for a catalog snapshot
   * (golden fixtures and the StarRocks comparison test use it), and optionally the failure model's scores
   * as gold_failure_predictions rows (device_id, prediction_date, model_risk_score, model_id).
   */
  async loadGold(
    rows: readonly Record<string, unknown>[],
    watermark: ServedWatermark,
    predictions: readonly {
      device_id: string;
      prediction_date: string;
      model_risk_score: number;
      model_id: string;
    }[] = [],
  ): Promise<void> {
    const shape = GOLD_COLUMNS.map((c) => `"${c}":"${GOLD_TYPES[c] ?? 'VARCHAR'}"`).join(',');
    const select = GOLD_COLUMNS.map((c) => (c === 'date' ? 'cast(date as date) as date' : `"${c}"`)).join(
      ', ',
    );
    await this.replaceGold(
      `select ${select} from (select unnest(from_json($rows, '[{${shape}}]'), recursive := true))`,
      watermark,
      { rows: JSON.stringify(rows) },
    );
    if (predictions.length === 0) return;
    await this.duck.run('delete from gold_failure_predictions');
    await this.duck.run(
      `insert into gold_failure_predictions (device_id, prediction_date, model_risk_score, model_id)
       select device_id, cast(prediction_date as date), model_risk_score, model_id
       from (select unnest(from_json($rows, '[{"device_id":"VARCHAR","prediction_date":"VARCHAR","model_risk_score":"DOUBLE","model_id":"VARCHAR"}]'), recursive := true))`,
      { rows: JSON.stringify(predictions) },
    );
    this.unifiedStale = true;
  }

  private async replaceGold(
    select: string,
    watermark: ServedWatermark,
    params: Record<string, string> = {},
    others: readonly { table: string; select: string }[] = [],
  ): Promise<void> {
    await this.duck.run('begin transaction');
    try {
      await this.duck.run('delete from gold_device_health');
      await this.duck.run(`insert into gold_device_health ${select}`, params);
      for (const other of others)
        await this.duck.run(`create or replace table ${other.table} as ${other.select}`);
      // Gold published before the failure model has no model columns: they read null.
      await this.duck.run(
        'alter table gold_failure_predictions add column if not exists model_risk_score double',
      );
      await this.duck.run('alter table gold_failure_predictions add column if not exists model_id varchar');
      await this.duck.run(
        'update serving_watermark set closed_through = cast($closed as date), gold_snapshot_id = $snapshot, gold_commit = $commit, updated_at = now()::timestamp',
        { closed: watermark.closedThrough, snapshot: watermark.snapshotId, commit: watermark.commit },
      );
      await this.duck.run('commit');
    } catch (error) {
      await this.duck.run('rollback').catch(() => undefined);
      throw error;
    }
    this.unifiedStale = true;
  }

  async refresh(
    views: readonly ServingView[] = SERVING_VIEWS,
    options: { full?: boolean } = {},
  ): Promise<RefreshResult[]> {
    const results: RefreshResult[] = [];
    for (const view of views) {
      const full =
        options.full === true ||
        (view === 'unified_device_health' && (this.unifiedStale || (await neverRefreshed(this.duck, view))));
      results.push(await refreshView(this.duck, view, full));
      if (view === 'unified_device_health') this.unifiedStale = false;
    }
    await pruneServing(this.duck, this.stack.config.servingRetentionDays);
    return results;
  }

  async query(sql: string, params: QueryParams = {}): Promise<QueryResult> {
    const prepared = await prepareReadOnly(this.duck.connection, sql);
    try {
      if (prepared.parameterCount > 0) prepared.bind(params);
      return resultOf(await prepared.runAndReadAll());
    } finally {
      prepared.destroySync();
    }
  }

  async status(): Promise<ServingStatus> {
    const freshness = (await this.query(readServingSql('serving_freshness'))).rows;
    const refreshes = (await this.query('select * from view_refreshes order by view_name'))
      .rows as ServingStatus['refreshes'];
    const tables: Record<string, number> = {};
    for (const table of [
      'anomalies_streaming',
      'device_health_rt',
      'anomaly_reviews',
      'gold_device_health',
      ...SERVING_VIEWS,
    ]) {
      const [row] = await this.duck.rows<{ n: number }>(`select count(*) as n from ${table}`);
      tables[table] = row?.n ?? 0;
    }
    return { kind: 'embedded', where: this.describe(), freshness, refreshes, tables };
  }

  async reset(): Promise<void> {
    await this.duck.run('begin transaction');
    try {
      for (const table of SERVING_TABLES) await this.duck.run(`delete from ${table}`);
      await this.duck.run(
        'update serving_watermark set closed_through = null, gold_snapshot_id = null, gold_commit = null, updated_at = null',
      );
      await this.duck.run('commit');
    } catch (error) {
      await this.duck.run('rollback').catch(() => undefined);
      throw error;
    }
    this.unifiedStale = true;
  }

  async close(): Promise<void> {
    this.duck.close();
  }

  /** Runs the `;`-separated statements of `sql` with the same named parameters. */
  private async runEach(sql: string, params: Record<string, string>): Promise<void> {
    for (const statement of sql.split(';')) {
      if (statement.trim()) await this.duck.run(statement, params);
    }
  }
}
