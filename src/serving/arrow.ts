import type { Table } from 'apache-arrow';
import type { QueryParams, QueryResult, Serving } from './port.js';

/**
 * A query result as an Apache Arrow table with typed columns: BIGINT → Int64, INTEGER → Int32, DOUBLE →
 * Float64, BOOLEAN → Bool, DATE → DateDay, TIMESTAMP → TimestampMicrosecond (UTC), text → Utf8 (other types
 * as their JSON text). apache-arrow is loaded on first use (tslab compiles only what src/index.ts reaches).
 * @example const table = await toArrow(await serving.query('select * from unified_device_health')); table.numRows;
 */
export async function toArrow(result: QueryResult): Promise<Table> {
  const arrow = await import('apache-arrow');
  // biome-ignore lint/suspicious/noExplicitAny: columns of different Arrow types
  const columns: Record<string, import('apache-arrow').Vector<any>> = {};
  for (const { name, type } of result.columns) {
    const values = result.rows.map((r) => r[name] ?? null);
    const convert = <T>(fn: (v: unknown) => T) => values.map((v) => (v === null ? null : fn(v)));
    if (type === 'BIGINT' || type === 'HUGEINT' || type === 'UBIGINT') {
      columns[name] = arrow.vectorFromArray(
        convert((v) => BigInt(v as number | string)),
        new arrow.Int64(),
      );
    } else if (type === 'INTEGER' || type === 'SMALLINT' || type === 'TINYINT') {
      columns[name] = arrow.vectorFromArray(convert(Number), new arrow.Int32());
    } else if (type === 'DOUBLE' || type === 'FLOAT' || type.startsWith('DECIMAL')) {
      columns[name] = arrow.vectorFromArray(convert(Number), new arrow.Float64());
    } else if (type === 'BOOLEAN') {
      columns[name] = arrow.vectorFromArray(convert(Boolean), new arrow.Bool());
    } else if (type === 'DATE') {
      columns[name] = arrow.vectorFromArray(
        convert((v) => new Date(`${v}T00:00:00Z`)),
        new arrow.DateDay(),
      );
    } else if (type.startsWith('TIMESTAMP')) {
      columns[name] = arrow.vectorFromArray(
        convert((v) => Date.parse(v as string)),
        new arrow.TimestampMicrosecond('UTC'),
      );
    } else {
      columns[name] = arrow.vectorFromArray(
        convert((v) => (typeof v === 'string' ? v : JSON.stringify(v))),
        new arrow.Utf8(),
      );
    }
  }
  return new arrow.Table(columns);
}

/**
 * Runs a read-only query on the serving layer and returns an Arrow table.
 * @example const table = await queryArrow(serving, 'select * from anomaly_rollup where device_id = $d', { d: 'device_3' });
 */
export async function queryArrow(serving: Serving, sql: string, params: QueryParams = {}): Promise<Table> {
  return toArrow(await serving.query(sql, params));
}
