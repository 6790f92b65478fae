/**
 * Value agreement of the Gold bench's sides: the kit's published Gold tables, the hand-written DuckDB
 * script's and the Polars peer's, compared on every column, keyed by (device_id, date). Doubles agree within
 * 1e-9; a mean rounded to k places (avg_energy, avg_temp_7d) may differ by 10^-k when its exact value,
 * recomputed from the readings' integer units, is a rounding tie (counted, not a difference: summation order
 * decides which side of .5 a double lands on). Lists compare sorted, nulls equal only nulls, a missing or
 * extra row is a difference. The failure model's columns are left out (its own tests cover them).
 */
import type { Catalog } from '../src/catalog/port.js';
import { MAIN_BRANCH } from '../src/catalog/port.js';
import { readTable } from '../src/catalog/tableOps.js';
import { type DuckSession, readParquetSql, sqlString } from '../src/duckdb/duckSession.js';
import type { IcebergContext } from '../src/iceberg/tableWriter.js';

export const GOLD_TABLES = [
  'gold_device_health',
  'gold_failure_predictions',
  'gold_maintenance_schedule',
] as const;
export type GoldTable = (typeof GOLD_TABLES)[number];

/** Each table's date column (with device_id, the key). */
export const DATE_COLUMN: Record<GoldTable, string> = {
  gold_device_health: 'date',
  gold_failure_predictions: 'prediction_date',
  gold_maintenance_schedule: 'date',
};

/** Columns of the failure model (issue 20), ignored where a side lacks them. */
export const FAILURE_MODEL_COLUMNS = ['model_risk_score', 'model_id', 'risk_score_source'];

/** Means rounded to k places whose rounding ties may differ: the raw column, its unit scale and window. */
const ROUNDED: Record<
  string,
  { table: GoldTable; places: number; raw: string; scale: number; days: number }
> = {
  avg_energy: { table: 'gold_device_health', places: 2, raw: 'energy_usage', scale: 100, days: 1 },
  avg_temp_7d: { table: 'gold_failure_predictions', places: 1, raw: 'temperature', scale: 10, days: 7 },
};

const TOLERANCE = 1e-9;

export type GoldRows = Record<GoldTable, Record<string, unknown>[]>;

export interface GoldSide {
  name: string;
  tables: GoldRows;
}

/** A value differing between the reference side and another, one entry per table, column and side. */
export interface ColumnDifference {
  table: GoldTable;
  /** The column, or `(row)` for a missing/extra row, `(column)` for a column a side lacks. */
  column: string;
  side: string;
  count: number;
  samples: { key: string; reference: unknown; other: unknown }[];
}

export interface AgreementReport {
  reference: string;
  sides: string[];
  rows: Record<GoldTable, Record<string, number>>;
  differences: ColumnDifference[];
  /** Rounding ties allowed, per table, column and side. */
  ties: { table: GoldTable; column: string; side: string; count: number }[];
  agree: boolean;
}

/** A candidate rounding tie: the mean of `column` for this device over the days ending at `date`. */
export interface TieCandidate {
  column: string;
  device_id: string;
  date: string;
}

/** Says for each candidate whether its exact mean is a rounding tie. */
export type TieCheck = (candidates: TieCandidate[]) => Promise<boolean[]>;

/** The three Gold tables as published on main, rows as JSON-safe values (dates "YYYY-MM-DD"). */
export async function readKitGold(catalog: Catalog, ctx: IcebergContext): Promise<GoldRows> {
  const tables = {} as GoldRows;
  for (const t of GOLD_TABLES) tables[t] = await readTable(catalog, ctx, MAIN_BRANCH, `iot.${t}`);
  return tables;
}

/** The three Gold tables from Parquet: `from(table)` is a DuckDB table expression over that table's files. */
export async function readParquetGold(
  duck: DuckSession,
  from: (table: GoldTable) => string,
): Promise<GoldRows> {
  const tables = {} as GoldRows;
  for (const t of GOLD_TABLES) tables[t] = await duck.rows(`SELECT * FROM ${from(t)}`);
  return tables;
}

/** The script's output: `<dir>/<table>/<date column>=…/*.parquet`. */
export const scriptLayout = (dir: string) => (t: GoldTable) =>
  `read_parquet(${sqlString(`${dir}/${t}/**/*.parquet`)}, hive_partitioning = true, hive_types = {${sqlString(DATE_COLUMN[t])}: DATE})`;

/** The Polars peer's output: `<dir>/<table>.parquet`. */
export const polarsLayout = (dir: string) => (t: GoldTable) => readParquetSql([`${dir}/${t}.parquet`]);

/**
 * Rounding ties from the raw readings (deduplicated as silver_telemetry does): the mean in the readings'
 * integer units (cents of a kWh, tenths of a °C) lies exactly halfway between two values at the rounded places.
 */
export function lakeTieCheck(duck: DuckSession, telemetryFiles: readonly string[]): TieCheck {
  return async (candidates) => {
    if (candidates.length === 0) return [];
    const values = candidates
      .map((c, i) => {
        const r = ROUNDED[c.column]!;
        return `(${i}, ${sqlString(c.device_id)}, DATE ${sqlString(c.date)} - ${r.days - 1}, DATE ${sqlString(c.date)}, ${sqlString(r.raw)}, ${r.scale})`;
      })
      .join(', ');
    const devices = [...new Set(candidates.map((c) => sqlString(c.device_id)))].join(', ');
    const files = `[${telemetryFiles.map(sqlString).join(', ')}]`;
    const rows = await duck.rows<{ i: number; tie: boolean }>(
      `WITH c(i, device_id, lo, hi, raw, scale) AS (VALUES ${values}),
       r AS (
         SELECT device_id, CAST("timestamp" AS DATE) AS date, energy_usage, temperature
         FROM read_parquet(${files}, filename = true) WHERE device_id IN (${devices})
         QUALIFY row_number() OVER (PARTITION BY device_id, "timestamp" ORDER BY source_partition, source_offset, filename) = 1
       ),
       s AS (
         SELECT c.i, count(*) AS n,
           sum(CAST(round(CASE c.raw WHEN 'energy_usage' THEN r.energy_usage ELSE r.temperature END * c.scale) AS BIGINT)) AS units
         FROM c JOIN r ON r.device_id = c.device_id AND r.date BETWEEN c.lo AND c.hi GROUP BY c.i
       )
       SELECT i, n > 0 AND ((2 * units) % (2 * n) + 2 * n) % (2 * n) = n AS tie FROM s`,
    );
    const tie = new Map(rows.map((r) => [r.i, r.tie]));
    return candidates.map((_, i) => tie.get(i) === true);
  };
}

function same(a: unknown, b: unknown): boolean {
  if (a === null || a === undefined || b === null || b === undefined)
    return (a ?? null) === null && (b ?? null) === null;
  if (typeof a === 'number' && typeof b === 'number') return Math.abs(a - b) <= TOLERANCE;
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) return false;
    const x = [...a].sort();
    const y = [...b].sort();
    return x.every((v, i) => same(v, y[i]));
  }
  if (typeof a === 'object' || typeof b === 'object') return JSON.stringify(a) === JSON.stringify(b);
  return a === b;
}

/** Whether `a` and `b` are a rounded mean's values one step of its places apart. */
function oneStep(column: string, a: unknown, b: unknown): boolean {
  const r = ROUNDED[column];
  if (r === undefined || typeof a !== 'number' || typeof b !== 'number') return false;
  return Math.abs(Math.abs(a - b) - 10 ** -r.places) <= TOLERANCE;
}

function keyed(table: GoldTable, rows: Record<string, unknown>[]): Map<string, Record<string, unknown>> {
  const out = new Map<string, Record<string, unknown>>();
  for (const row of rows) out.set(`${row.device_id}|${row[DATE_COLUMN[table]]}`, row);
  return out;
}

/**
 * Compares every side with the first (the reference) on every column of the three tables.
 * @example const report = await compareGold([kit, script, polars], lakeTieCheck(duck, files));
 */
export async function compareGold(sides: GoldSide[], tieCheck: TieCheck): Promise<AgreementReport> {
  const [reference, ...others] = sides;
  if (reference === undefined) throw new Error('gold agreement: no sides to compare');
  const differences = new Map<string, ColumnDifference>();
  const note = (
    table: GoldTable,
    column: string,
    side: string,
    key: string,
    ref: unknown,
    other: unknown,
  ) => {
    const id = `${table}|${column}|${side}`;
    const d = differences.get(id) ?? { table, column, side, count: 0, samples: [] };
    d.count++;
    if (d.samples.length < 3) d.samples.push({ key, reference: ref, other });
    differences.set(id, d);
  };
  const candidates: (TieCandidate & {
    table: GoldTable;
    side: string;
    key: string;
    ref: unknown;
    other: unknown;
  })[] = [];
  const rows = {} as AgreementReport['rows'];
  for (const table of GOLD_TABLES) {
    rows[table] = Object.fromEntries(sides.map((s) => [s.name, s.tables[table].length]));
    const ref = keyed(table, reference.tables[table]);
    const refColumns = new Set(reference.tables[table].flatMap((r) => Object.keys(r)));
    for (const side of others) {
      const other = keyed(table, side.tables[table]);
      if (other.size !== side.tables[table].length)
        note(table, '(row)', side.name, 'duplicate keys', null, null);
      const columns = new Set([...refColumns, ...side.tables[table].flatMap((r) => Object.keys(r))]);
      const present = (rowsOf: Record<string, unknown>[], c: string) =>
        rowsOf.length === 0 || c in rowsOf[0]!;
      for (const column of columns) {
        const inRef = present(reference.tables[table], column);
        const inOther = present(side.tables[table], column);
        if ((!inRef || !inOther) && !FAILURE_MODEL_COLUMNS.includes(column))
          note(table, '(column)', side.name, column, inRef, inOther);
        if (!inRef || !inOther) columns.delete(column);
      }
      for (const [key, a] of ref) {
        const b = other.get(key);
        if (b === undefined) {
          note(table, '(row)', side.name, key, 'present', 'missing');
          continue;
        }
        for (const column of columns) {
          if (same(a[column], b[column])) continue;
          if (oneStep(column, a[column], b[column])) {
            const [device_id, date] = key.split('|') as [string, string];
            candidates.push({
              column,
              device_id,
              date,
              table,
              side: side.name,
              key,
              ref: a[column],
              other: b[column],
            });
          } else note(table, column, side.name, key, a[column], b[column]);
        }
      }
      for (const key of other.keys())
        if (!ref.has(key)) note(table, '(row)', side.name, key, 'missing', 'present');
    }
  }
  const tie = await tieCheck(candidates);
  const ties = new Map<string, AgreementReport['ties'][number]>();
  for (const [i, c] of candidates.entries()) {
    if (!tie[i]) {
      note(c.table, c.column, c.side, c.key, c.ref, c.other);
      continue;
    }
    const id = `${c.table}|${c.column}|${c.side}`;
    const t = ties.get(id) ?? { table: c.table, column: c.column, side: c.side, count: 0 };
    t.count++;
    ties.set(id, t);
  }
  const list = [...differences.values()];
  return {
    reference: reference.name,
    sides: others.map((s) => s.name),
    rows,
    differences: list,
    ties: [...ties.values()],
    agree: list.length === 0,
  };
}

/** The report as text: rows per side, then each difference with samples, then the ties allowed. */
export function formatAgreement(report: AgreementReport): string {
  const lines = [
    `value agreement of ${report.sides.join(', ')} with ${report.reference} (every column; doubles within 1e-9): ` +
      (report.agree ? 'agree' : `${report.differences.length} difference(s)`),
  ];
  for (const [table, counts] of Object.entries(report.rows))
    lines.push(
      `  ${table}: rows ${Object.entries(counts)
        .map(([s, n]) => `${s} ${n}`)
        .join(', ')}`,
    );
  for (const d of report.differences)
    lines.push(
      `  DIFF ${d.table}.${d.column} (${d.side}): ${d.count} — ${d.samples.map((s) => `${s.key}: ${JSON.stringify(s.reference)} vs ${JSON.stringify(s.other)}`).join('; ')}`,
    );
  const tieCount = report.ties.reduce((n, t) => n + t.count, 0);
  lines.push(
    `  rounding ties allowed (exact mean halfway, recomputed from integer units): ${tieCount}` +
      (report.ties.length === 0
        ? ''
        : ` (${report.ties.map((t) => `${t.table}.${t.column} ${t.side} ${t.count}`).join(', ')})`),
  );
  return lines.join('\n');
}
