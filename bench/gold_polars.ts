/**
 * The Gold bench's second peer: the three Gold tables of a full run with the semantics of the kit's models
 * (sql/duckdb/*.sql, see their headers), written with Polars' lazy API (the engine the reference uses), no
 * per-row JavaScript. Collected at three points: the raw rows marked for deduplication (one read of the
 * files), the per-device-day aggregates, the events; the tables are then built from device-days. Baselines
 * and 7-day windows are sums over seven day-shifted copies of the device-day aggregates (exact windows by
 * date, gaps included, like the models' RANGE frames and date joins). Dates are UTC day numbers until the output.
 *
 * Readings are deduplicated by (device_id, timestamp) keeping the smallest (source_partition, source_offset),
 * then file, and only repeated identities are sorted; events by (device_id, event_timestamp, event_type).
 * Rounding is half away from zero after scaling, as DuckDB's round(x, k).
 */
import fs from 'node:fs';
import path from 'node:path';
import pl from 'nodejs-polars';

type Lazy = ReturnType<typeof pl.scanParquet>;
type Expr = ReturnType<typeof pl.col>;

/** The raw Parquet files a run reads (local paths). */
export interface GoldInputs {
  telemetry: string[];
  events: string[];
}

const VIBRATION_THRESHOLD = 3.0;
const BASELINE_MIN_READINGS = 100;
const NO_MAINTENANCE = 999;

const col = pl.col;
const lit = pl.lit;
const round = (e: Expr, k: number) => e.round(k, 'halfawayfromzero');
/**
 * e / n, as DuckDB computes it. Polars rewrites a division by a literal into a multiplication by its
 * reciprocal (3 / 10 becomes 0.30000000000000004), which moves rounding ties; a denominator computed from
 * the numerator (e·0 + n) is not a literal.
 */
const divide = (e: Expr, n: number) => e.div(e.mul(0).add(n));
/** least(1, greatest(0, e)) */
const unit = (e: Expr) => e.clip(0, 1);
/** The UTC day number of a UTC timestamp column. */
const dayOf = (name: string) => col(name).cast(pl.Date).cast(pl.Int32);

/**
 * The files of one dataset as one lazy frame (files in key order; all share the lake's folder, so path order
 * is key order), each row with its file's rank in that order (`file`): the last tie-break of deduplication,
 * an integer rather than a path string per row.
 */
function scan(files: readonly string[], columns: string[]): Lazy {
  return pl.concat(
    [...files].sort().map((f, i) =>
      pl
        .scanParquet(f)
        .select(...columns)
        .withColumns(lit(i).cast(pl.Int32).alias('file')),
    ),
    { how: 'vertical' },
  );
}

/**
 * Keeps one row per identity: of repeated ones the smallest (source_partition, source_offset, file). The
 * raw rows are read once, each marked when the hash of its identity occurs more than once; only those
 * (usually none) are sorted and deduplicated on the identity itself (a hash collision costs a sort, never
 * a row), the others pass as they are.
 */
async function dedup(raw: Lazy, identity: string[], values: string[]): Promise<Lazy> {
  const marked = (
    await raw
      .withColumns(
        pl
          .struct(identity.map((c) => col(c)))
          .hash(7)
          .isDuplicated()
          .alias('repeated'),
      )
      .collect()
  ).lazy();
  const single = marked.filter(col('repeated').not()).select(...identity, ...values);
  const kept = marked
    .filter(col('repeated'))
    .sort({ by: ['source_partition', 'source_offset', 'file'], nullsLast: true, maintainOrder: true })
    .unique({ subset: identity, keep: 'first', maintainOrder: true })
    .select(...identity, ...values);
  return pl.concat([single, kept], { how: 'vertical' });
}

/** `frame` with `day` moved by each of `offsets` (one copy per offset, `offset` says which). */
function shifted(frame: Lazy, offsets: number[]): Lazy {
  return pl.concat(
    offsets.map((k) =>
      frame.withColumns(col('day').add(k).cast(pl.Int32).alias('day'), lit(k).alias('offset')),
    ),
    { how: 'vertical' },
  );
}

/** Per-device-day aggregates of the deduplicated readings, with the flags that need the 7-day baseline. */
function dailyOf(readings: Lazy): Lazy {
  const sums = readings
    .groupBy(['device_id', 'day'])
    .agg(
      pl.len().alias('n'),
      col('temperature').sum().alias('s_temp'),
      col('temperature').mul(col('temperature')).sum().alias('ss_temp'),
      col('energy_usage').sum().alias('s_energy'),
      col('energy_usage').mul(col('energy_usage')).sum().alias('ss_energy'),
    );
  const std = (ss: string, s: string) => {
    const v = col(ss)
      .sub(col(s).mul(col(s)).div(col('n')))
      .div(col('n').sub(1));
    return pl.when(v.lt(0)).then(lit(0)).otherwise(v).pow(0.5);
  };
  const baselines = shifted(sums, [1, 2, 3, 4, 5, 6, 7])
    .groupBy(['device_id', 'day'])
    .agg(
      col('n').sum(),
      col('s_temp').sum(),
      col('ss_temp').sum(),
      col('s_energy').sum(),
      col('ss_energy').sum(),
    )
    .filter(col('n').gtEq(BASELINE_MIN_READINGS))
    .select(
      'device_id',
      'day',
      col('s_temp').div(col('n')).alias('temp_mean'),
      std('ss_temp', 's_temp').alias('temp_std'),
    );
  const health = unit(
    lit(0.4)
      .mul(lit(1).sub(divide(col('temperature'), 30)))
      .add(lit(0.3).mul(lit(1).sub(divide(col('vibration'), 5))))
      .add(lit(0.3).mul(divide(col('signal_strength'), 100))),
  );
  return readings
    .join(baselines, { on: ['device_id', 'day'], how: 'left' })
    .withColumns(
      col('vibration').gt(VIBRATION_THRESHOLD).cast(pl.Int64).alias('vib'),
      col('temperature')
        .gt(col('temp_mean').add(lit(2).mul(col('temp_std'))))
        .fillNull(false)
        .cast(pl.Int64)
        .alias('temp_anom'),
      round(health, 2).alias('health'),
    )
    .groupBy(['device_id', 'day'])
    .agg(
      pl.len().cast(pl.Int64).alias('readings'),
      col('temperature').sum().alias('sum_temp'),
      col('temperature').max().alias('max_temp'),
      col('energy_usage').max().alias('max_energy'),
      round(col('energy_usage').mean(), 2).alias('avg_energy'),
      col('health').min().alias('min_health'),
      col('vib').sum().alias('vibration_anomalies'),
      col('temp_anom').sum().alias('temp_anomalies'),
      col('signal_strength').mean().alias('avg_signal_strength'),
    );
}

/** For each (device_id, day) of `frame`: the days since the device's last maintenance on or before it. */
function withLastMaintenance(frame: Lazy, maintenance: Lazy, name: string): Lazy {
  return frame
    .sort('day')
    .joinAsof(maintenance, { on: 'day', by: 'device_id', strategy: 'backward', checkSortedness: false })
    .withColumns(col('day').sub(col('maintenance_day')).cast(pl.Int64).alias(name))
    .drop('maintenance_day');
}

const toDate = (name: string) => col('day').cast(pl.Date).alias(name);

/**
 * Builds the three Gold tables of a full run over `inputs` and writes them to `outDir` as
 * `<table>.parquet`; returns the row count of each.
 */
export async function polarsGold(inputs: GoldInputs, outDir: string): Promise<Record<string, number>> {
  const identityT = ['device_id', 'timestamp'];
  const values = ['energy_usage', 'temperature', 'vibration', 'signal_strength'];
  const rawT = scan(inputs.telemetry, [...identityT, ...values, 'source_partition', 'source_offset']);
  const readings = (await dedup(rawT, identityT, values)).withColumns(dayOf('timestamp').alias('day'));
  // The one pass over the readings; the rest works on device-days.
  const daily = (await dailyOf(readings).collect()).lazy();

  const identityE = ['device_id', 'event_timestamp', 'event_type'];
  const rawE = scan(inputs.events, [...identityE, 'component', 'source_partition', 'source_offset']);
  const events = (
    await (
      await dedup(rawE, identityE, ['component'])
    )
      .withColumns(dayOf('event_timestamp').alias('day'))
      .collect()
  ).lazy();
  const failures = events
    .filter(col('event_type').eq(lit('failure')))
    .groupBy(['device_id', 'day'])
    .agg(
      pl.len().cast(pl.Int64).alias('failures_count'),
      col('component').filter(col('component').isNotNull()).unique().sort().alias('failed_components'),
    );
  const maintenance = events
    .filter(col('event_type').eq(lit('maintenance')))
    .select('device_id', col('day').alias('maintenance_day'))
    .unique()
    .withColumns(col('maintenance_day').alias('day'))
    .sort('day');

  const health = withLastMaintenance(
    daily.join(failures, { on: ['device_id', 'day'], how: 'left' }),
    maintenance,
    'days_since_maintenance',
  ).withColumns(
    col('failures_count').fillNull(0),
    col('failed_components').fillNull(lit([]).cast(pl.List(pl.Utf8))),
    col('days_since_maintenance').fillNull(NO_MAINTENANCE),
  );

  const span = await daily.select(col('day').min().alias('from'), col('day').max().alias('to')).collect();
  const from = Number(span.getColumn('from').get(0));
  const to = Number(span.getColumn('to').get(0));
  const today = col('offset').eq(0);
  const windows = shifted(daily, [0, 1, 2, 3, 4, 5, 6])
    .filter(col('day').gtEq(from).and(col('day').ltEq(to)))
    .groupBy(['device_id', 'day'])
    .agg(
      col('vibration_anomalies').sum().alias('anomalies_7d'),
      round(col('sum_temp').sum().div(col('readings').sum()), 1).alias('avg_temp_7d'),
      col('max_energy').max().alias('peak_energy_7d'),
      col('min_health').min().alias('worst_health_score_7d'),
      col('vibration_anomalies').filter(today).sum().alias('anomalies_24h'),
      col('max_temp').filter(today).max().alias('peak_temp_24h'),
    );
  // 0.3·anomalies_24h/10 as DuckDB: the DECIMAL 0.3·n (exactly 3n/10) as a double, then / 10.
  const score = unit(
    divide(divide(col('anomalies_24h').mul(3), 10), 10)
      .add(divide(lit(0.4).mul(col('peak_temp_24h').fillNull(0)), 30))
      .add(lit(0.2).mul(lit(1).sub(col('worst_health_score_7d').fillNull(1))))
      .add(divide(lit(0.1).mul(col('peak_energy_7d').fillNull(0)), 5)),
  );
  const action = (s: Expr) =>
    pl
      .when(s.gt(0.8))
      .then(lit('immediate_shutdown'))
      .when(s.gt(0.6))
      .then(lit('emergency_maintenance'))
      .when(s.gt(0.4))
      .then(lit('schedule_maintenance'))
      .otherwise(lit('monitor_only'));
  const predictions = windows
    .withColumns(round(score, 2).alias('failure_risk_score'))
    .withColumns(action(col('failure_risk_score')).alias('recommended_action'));

  const priority = pl
    .when(col('failure_risk_score').gt(0.7))
    .then(lit('P0'))
    .when(col('days_since_maintenance').gt(90))
    .then(lit('P1'))
    .when(col('vibration_anomalies').gt(5))
    .then(lit('P2'))
    .otherwise(lit('P3'));
  const onHealth = health.select(
    'device_id',
    'day',
    'vibration_anomalies',
    col('days_since_maintenance').alias('h_dsm'),
  );
  const schedule = withLastMaintenance(
    predictions
      .select('device_id', 'day', 'failure_risk_score')
      .join(onHealth, { on: ['device_id', 'day'], how: 'left' }),
    maintenance,
    'e_dsm',
  )
    .withColumns(
      col('vibration_anomalies').fillNull(0),
      col('h_dsm').fillNull(col('e_dsm')).fillNull(NO_MAINTENANCE).alias('days_since_maintenance'),
    )
    .withColumns(priority.alias('priority'))
    .select(
      'device_id',
      toDate('date'),
      'priority',
      pl
        .when(col('priority').eq(lit('P0')))
        .then(lit('within_4_hours'))
        .when(col('priority').eq(lit('P1')))
        .then(lit('within_3_days'))
        .otherwise(lit('next_routine_cycle'))
        .alias('window'),
      pl
        .when(col('priority').eq(lit('P0')))
        .then(lit(5000))
        .when(col('priority').eq(lit('P1')))
        .then(lit(2000))
        .otherwise(lit(500))
        .cast(pl.Int64)
        .alias('estimated_cost'),
      'failure_risk_score',
    );

  const tables: Record<string, Lazy> = {
    gold_device_health: health.select(
      'device_id',
      toDate('date'),
      'avg_energy',
      'max_temp',
      col('min_health').alias('min_health_score'),
      'vibration_anomalies',
      'temp_anomalies',
      'avg_signal_strength',
      'failures_count',
      'failed_components',
      'days_since_maintenance',
      'readings',
    ),
    gold_failure_predictions: predictions.select(
      'device_id',
      toDate('prediction_date'),
      'anomalies_7d',
      'avg_temp_7d',
      'peak_energy_7d',
      'worst_health_score_7d',
      'anomalies_24h',
      'peak_temp_24h',
      'failure_risk_score',
      'recommended_action',
    ),
    gold_maintenance_schedule: schedule,
  };
  fs.mkdirSync(outDir, { recursive: true });
  const rows: Record<string, number> = {};
  for (const [name, frame] of Object.entries(tables)) {
    const df = await frame.collect();
    df.writeParquet(path.join(outDir, `${name}.parquet`));
    rows[name] = df.height;
  }
  return rows;
}
