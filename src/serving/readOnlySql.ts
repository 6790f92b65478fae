import type { DuckDBConnection, DuckDBPreparedStatement } from '@duckdb/node-api';
import { InvalidArgumentError } from '../errors.js';

/** DuckDB statement types (StatementType in @duckdb/node-bindings) that only read. */
const SELECT = 1;
const EXPLAIN = 4;
const TYPE_NAMES: Record<number, string> = {
  2: 'INSERT',
  3: 'UPDATE',
  5: 'DELETE',
  6: 'PREPARE',
  7: 'CREATE',
  8: 'EXECUTE',
  9: 'ALTER',
  10: 'TRANSACTION',
  11: 'COPY',
  12: 'ANALYZE',
  13: 'SET',
  14: 'CREATE FUNCTION',
  15: 'DROP',
  16: 'EXPORT',
  17: 'PRAGMA',
  18: 'VACUUM',
  19: 'CALL',
  20: 'SET',
  21: 'LOAD/INSTALL',
  25: 'ATTACH',
  26: 'DETACH',
  28: 'COPY DATABASE',
  29: 'UPDATE EXTENSIONS',
  30: 'MERGE INTO',
};

/** A statement the read-only query entry points refuse (not read-only, or not valid SQL). */
export class ReadOnlyQueryError extends InvalidArgumentError {}

/** The statement's text without leading comments and whitespace, upper-cased, for the EXPLAIN ANALYZE check. */
function leadingWords(sql: string): string[] {
  const text = sql.replace(/^(\s|--[^\n]*\n?|\/\*[\s\S]*?\*\/)+/, '');
  return text.split(/[\s(]+/, 3).map((w) => w.toUpperCase());
}

/**
 * Prepares `sql` when it is exactly one statement that only reads: DuckDB's own statement type must be
 * SELECT (DESCRIBE, SHOW and SUMMARIZE report as SELECT) or EXPLAIN without ANALYZE (which would run the
 * statement). The type comes from DuckDB's parser, never from the text, so a CTE ending in DELETE or a
 * second statement after a semicolon is refused. Throws ReadOnlyQueryError saying what was refused.
 * @example const prepared = await prepareReadOnly(connection, 'SELECT * FROM unified_device_health WHERE priority = $p');
 */
export async function prepareReadOnly(
  connection: DuckDBConnection,
  sql: string,
): Promise<DuckDBPreparedStatement> {
  let extracted: Awaited<ReturnType<DuckDBConnection['extractStatements']>>;
  try {
    extracted = await connection.extractStatements(sql);
  } catch (error) {
    throw new ReadOnlyQueryError(
      `sql rejected: ${(error as Error).message.replace(/^Failed to extract statements: /, '')}`,
      { cause: error },
    );
  }
  if (extracted.count !== 1) {
    throw new ReadOnlyQueryError(
      `sql refused: one statement per call, got ${extracted.count} (remove the extra statements after ';')`,
    );
  }
  let prepared: DuckDBPreparedStatement;
  try {
    prepared = await extracted.prepare(0);
  } catch (error) {
    throw new ReadOnlyQueryError(`sql rejected: ${(error as Error).message}`, { cause: error });
  }
  const type = prepared.statementType as number;
  const words = leadingWords(sql);
  const analyze = type === EXPLAIN && words[0] === 'EXPLAIN' && words[1] === 'ANALYZE';
  if ((type !== SELECT && type !== EXPLAIN) || analyze) {
    prepared.destroySync();
    const what = analyze
      ? 'EXPLAIN ANALYZE (it runs the statement)'
      : (TYPE_NAMES[type] ?? `statement type ${type}`);
    throw new ReadOnlyQueryError(
      `sql refused: ${what} is not a read-only query; only SELECT (incl. DESCRIBE, SHOW, SUMMARIZE) and EXPLAIN are allowed`,
      { context: { statementType: type } },
    );
  }
  return prepared;
}
