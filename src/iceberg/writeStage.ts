import type { DuckDBValue } from '@duckdb/node-api';
import type { DuckSession } from '../duckdb/duckSession.js';
import { DuckDBLimitError, InvalidArgumentError } from '../errors.js';
import { duckType } from './schema.js';
import type { IcebergPrimitive } from './types.js';
import type { WriteTarget } from './writeTarget.js';

/** Rows to write, staged in a DuckDB temp table with their day partition in `__partition`. */
export interface StagedRows {
  /** The temp table's name. */
  name: string;
  /** The distinct partition values of the staged rows (epoch days; null for unpartitioned or null days). */
  partitions: (number | null)[];
  /** Drops the temp table. */
  drop(): Promise<void>;
}

let stageCounter = 0;

/** SQL for a day partition value of a date or timestamp column. */
function dayExpr(column: string, type: IcebergPrimitive): string {
  return type === 'date'
    ? `date_diff('day', DATE '1970-01-01', "${column}")`
    : `date_diff('day', DATE '1970-01-01', CAST("${column}" AS DATE))`;
}

/**
 * Stage: runs the source query once into a temp table, every column of the table's schema cast to its
 * type (extra source columns dropped), plus the day partition of each row; checks required columns have
 * no nulls. Throws InvalidArgumentError naming the table when the source lacks a column or a required
 * value is null (the temp table is dropped then).
 */
export async function stageRows(
  duck: DuckSession,
  target: WriteTarget,
  source: { sql: string; params?: DuckDBValue[] },
): Promise<StagedRows> {
  const { schema, partSource } = target;
  const name = `iceberg_stage_${++stageCounter}`;
  const casts = schema.fields.map((f) => `CAST(src."${f.name}" AS ${duckType(f.type)}) AS "${f.name}"`);
  const part = partSource ? dayExpr(partSource.name, partSource.type as IcebergPrimitive) : 'NULL';
  try {
    await duck.run(
      `CREATE TEMP TABLE ${name} AS SELECT *, ${part} AS __partition FROM (SELECT ${casts.join(', ')} FROM (${source.sql}) src)`,
      source.params,
    );
  } catch (error) {
    // Out of memory or spill space is not a bad source: reported as DuckDB's limit, with what to change.
    if (error instanceof DuckDBLimitError) throw error;
    throw new InvalidArgumentError(
      `iceberg write to ${target.table}: the source does not give the table's columns (${schema.fields.map((f) => f.name).join(', ')}): ${(error as Error).message}`,
      { cause: error },
    );
  }
  const drop = async () => {
    await duck.run(`DROP TABLE IF EXISTS ${name}`);
  };
  try {
    for (const f of schema.fields.filter((x) => x.required)) {
      const [row] = await duck.rows<{ n: number }>(
        `SELECT count(*) AS n FROM ${name} WHERE "${f.name}" IS NULL`,
      );
      if (row!.n > 0) {
        throw new InvalidArgumentError(
          `iceberg write to ${target.table}: ${row!.n} rows have no ${f.name} (required)`,
        );
      }
    }
    const partitions = (
      await duck.rows<{ p: number | null }>(`SELECT DISTINCT __partition AS p FROM ${name} ORDER BY 1`)
    ).map((r) => r.p);
    return { name, partitions, drop };
  } catch (error) {
    await drop();
    throw error;
  }
}
