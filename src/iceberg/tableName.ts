import { InvalidArgumentError } from '../errors.js';

/** A table name: `namespace.table`, e.g. `iot.gold_device_health`. */
export type TableName = string;

const IDENT = /^[a-z_][a-z0-9_]{0,63}$/;

/** Splits and checks `namespace.table` (lowercase identifiers), e.g. `iot.gold_device_health`. */
export function parseTableName(name: string): { namespace: string; table: string } {
  const parts = typeof name === 'string' ? name.split('.') : [];
  if (parts.length !== 2 || !parts.every((p) => IDENT.test(p))) {
    throw new InvalidArgumentError(
      `catalog table name rejected: '${String(name)}' (expected namespace.table in lowercase letters, digits and '_')`,
    );
  }
  return { namespace: parts[0]!, table: parts[1]! };
}

/** The key prefix of a table's files in the store: `warehouse/<namespace>/<table>`. */
export function tableKey(name: string): string {
  const { namespace, table } = parseTableName(name);
  return `warehouse/${namespace}/${table}`;
}
