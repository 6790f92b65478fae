import type { DuckSession } from '../duckdb/duckSession.js';
import type { RefreshResult, ServingView } from './port.js';
import { readServingSql, VIEW_KEYS } from './servingSql.js';

/** The embedded serving layer's view maintenance: incremental and full refresh, retention. */

/**
 * Refreshes one view in a transaction: every row (full), or only the keys touched since the last refresh,
 * recomputed from inputs scoped to those keys; records when and how.
 */
export async function refreshView(
  duck: DuckSession,
  view: ServingView,
  full: boolean,
): Promise<RefreshResult> {
  const started = Date.now();
  const { dirty, columns } = VIEW_KEYS[view];
  const [a, b] = columns;
  const select = readServingSql(view);
  let keys: number;
  await duck.run('begin transaction');
  try {
    if (full) {
      await duck.run(`delete from ${view}`);
      await duck.run(`insert into ${view} select * from (${select}) v`);
      const [count] = await duck.rows<{ n: number }>(`select count(*) as n from ${view}`);
      keys = count?.n ?? 0;
    } else {
      const [count] = await duck.rows<{ n: number }>(`select count(*) as n from ${dirty}`);
      keys = count?.n ?? 0;
      if (keys > 0) {
        await duck.run(
          `delete from ${view} using ${dirty} d where ${view}.${a} = d.${a} and ${view}.${b} = d.${b}`,
        );
        const scoped = await scopeInputs(duck, view);
        try {
          await duck.run(
            `insert into ${view} select v.* from (${select}) v semi join ${dirty} d on v.${a} = d.${a} and v.${b} = d.${b}`,
          );
        } finally {
          for (const name of scoped) await duck.run(`drop view if exists temp.main.${name}`);
        }
      }
    }
    await duck.run(`delete from ${dirty}`);
    const durationMs = Date.now() - started;
    await duck.run(
      'insert or replace into view_refreshes values ($view, now()::timestamp, $mode, $keys, $ms)',
      { view, mode: full ? 'full' : 'incremental', keys, ms: durationMs },
    );
    await duck.run('commit');
  } catch (error) {
    await duck.run('rollback').catch(() => undefined);
    throw error;
  }
  return { view, mode: full ? 'full' : 'incremental', keys, durationMs: Date.now() - started };
}

/**
 * For an incremental refresh: temporary views, named like the view's input tables, that hold only the
 * rows the dirty keys need (the view's SQL then reads them instead of the tables, so the cost follows the
 * keys touched, not the history). Returns their names, to drop afterwards.
 */
async function scopeInputs(duck: DuckSession, view: ServingView): Promise<string[]> {
  const [row] = await duck.rows<{ db: string }>('select current_database() as db');
  const main = `"${row!.db.replaceAll('"', '""')}".main`;
  const scopes: Record<string, string> =
    view === 'anomaly_rollup'
      ? {
          anomalies_streaming: `select a.* from ${main}.anomalies_streaming a semi join ${main}.dirty_hours d
            on d.device_id = a.device_id and d.hour = date_trunc('hour', a."timestamp")`,
        }
      : {
          anomalies_streaming: `select a.* from ${main}.anomalies_streaming a semi join ${main}.dirty_days d
            on d.device_id = a.device_id and d.date = cast(a."timestamp" as date)`,
          device_health_rt: `select r.* from ${main}.device_health_rt r semi join ${main}.dirty_days d
            on d.device_id = r.device_id and d.date = r.date`,
          // every batch row of a touched device: a real-time row needs the device's newest one
          gold_device_health: `select g.* from ${main}.gold_device_health g
            where g.device_id in (select device_id from ${main}.dirty_days)`,
        };
  for (const [name, sql] of Object.entries(scopes)) await duck.run(`create temp view ${name} as ${sql}`);
  return Object.keys(scopes);
}

/** Whether a view was never refreshed (its first refresh is a full one). */
export async function neverRefreshed(duck: DuckSession, view: ServingView): Promise<boolean> {
  const rows = await duck.rows('select 1 from view_refreshes where view_name = $view', { view });
  return rows.length === 0;
}

/**
 * Keeps LAMBDA_IOT_SERVING_RETENTION_DAYS days of rows, counted back from the newest event date served
 * (event time, so a simulated history is not emptied by the wall clock).
 */
export async function pruneServing(duck: DuckSession, retentionDays: number): Promise<void> {
  const days = retentionDays;
  const cutoff = `(select cast(max(d) as date) - ${Math.floor(days) - 1} from (
    select max(cast("timestamp" as date)) as d from anomalies_streaming
    union all select max(date) from device_health_rt
    union all select max(date) from gold_device_health))`;
  const statements = [
    `delete from anomalies_streaming where cast("timestamp" as date) < ${cutoff}`,
    `delete from anomaly_reviews where cast("timestamp" as date) < ${cutoff}`,
    `delete from device_health_rt where date < ${cutoff}`,
    `delete from gold_device_health where date < ${cutoff}`,
    `delete from anomaly_rollup where cast(hour as date) < ${cutoff}`,
    `delete from unified_device_health where date < ${cutoff}`,
  ];
  for (const statement of statements) await duck.run(statement);
}
