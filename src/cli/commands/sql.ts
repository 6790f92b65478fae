import { type Command, InvalidArgumentError } from 'commander';
import { CliError } from '../../errors.js';
import { openServing } from '../../serving/openServing.js';
import type { QueryParams, QueryResult } from '../../serving/port.js';
import { ReadOnlyQueryError } from '../../serving/readOnlySql.js';
import { formatTextTable } from '../../util/formatTable.js';
import { withCliStack } from '../context.js';
import { printJson, writeOut } from '../output.js';

/** Commander collector of `--param name=value` (repeatable); numbers stay numbers, `null` is null. */
function collectParam(value: string, previous: QueryParams = {}): QueryParams {
  const m = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/s.exec(value);
  if (!m) throw new InvalidArgumentError('expected name=value, e.g. --param device=device_3');
  const raw = m[2]!;
  const parsed = raw === 'null' ? null : raw !== '' && Number.isFinite(Number(raw)) ? Number(raw) : raw;
  return { ...previous, [m[1]!]: parsed };
}

const csvCell = (v: unknown) => {
  if (v === null || v === undefined) return '';
  const text = typeof v === 'string' ? v : JSON.stringify(v);
  return /[",\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
};

/** A result as CSV with a header row. */
export function formatCsv(result: QueryResult): string {
  const names = result.columns.map((c) => c.name);
  const lines = [
    names.map(csvCell).join(','),
    ...result.rows.map((r) => names.map((n) => csvCell(r[n])).join(',')),
  ];
  return `${lines.join('\n')}\n`;
}

export function registerSql(program: Command): void {
  program
    .command('sql')
    .argument('<query>', 'one read-only statement: SELECT, DESCRIBE, SHOW, SUMMARIZE or EXPLAIN')
    .description(
      'Query the serving layer (unified_device_health, anomaly_rollup, anomalies_streaming, device_health_rt, ' +
        'gold_device_health, anomaly_reviews, serving_watermark). Read-only by construction: the statement is ' +
        'prepared and refused unless DuckDB reports it as a SELECT (or EXPLAIN without ANALYZE); one statement per call. ' +
        'Values are bound, never pasted: write $name in the query and pass --param name=value.',
    )
    .option('--param <name=value>', 'bind $name (repeatable; numbers stay numbers)', collectParam)
    .option('--json', 'print a JSON array of row objects')
    .option('--csv', 'print CSV with a header row')
    .addHelpText(
      'after',
      '\nExamples:\n  $ lambda-iot sql "select * from unified_device_health where priority = \'P0\' order by date desc limit 10"\n' +
        '  $ lambda-iot sql "select * from anomaly_rollup where device_id = $d" --param d=device_3 --csv',
    )
    .action(async (query: string, options: { param?: QueryParams; json?: boolean; csv?: boolean }) => {
      if (options.json && options.csv)
        throw new CliError('sql: choose --json or --csv, not both', { exitCode: 2 });
      await withCliStack(async (stack) => {
        const handle = await openServing(stack);
        try {
          const result = await handle.serving.query(query, options.param ?? {});
          if (options.json) return printJson(result.rows);
          if (options.csv) return writeOut(formatCsv(result));
          const table = result.rows.length > 0 ? formatTextTable(result.rows) : '(no rows)';
          return writeOut(`${table}\n`);
        } catch (error) {
          if (error instanceof ReadOnlyQueryError)
            throw new CliError(error.message, { exitCode: 2, cause: error });
          throw error;
        } finally {
          await handle.close();
        }
      });
    });
}
