import type { Command } from 'commander';
import { MAIN_BRANCH } from '../../catalog/port.js';
import { qualifyTable, summarizeTables, tableHistory } from '../../catalog/tableInfo.js';
import { scanTable } from '../../iceberg/tableReader.js';
import { formatTextTable } from '../../notebook/formatTable.js';
import { withCatalog } from '../context.js';
import { nonNegativeInt } from '../options.js';
import { printJson, writeOut } from '../output.js';

export function registerTable(program: Command): void {
  const table = program
    .command('table')
    .summary('Iceberg tables in the catalog: list, history, scan')
    .description(
      'Look at the Iceberg tables of a catalog branch (default main). A table name may omit its namespace (iot). ' +
        '--ref takes a branch, branch@hash or a commit hash, so any published state can be read again.',
    )
    .addHelpText(
      'after',
      '\nExamples:\n  $ lambda-iot table ls\n  $ lambda-iot table history gold_device_health\n' +
        '  $ lambda-iot table scan gold_device_health --limit 5\n  $ lambda-iot table scan iot.gold_device_health --ref main@3f2a1b --json',
    );

  table
    .command('ls')
    .summary('tables with their current snapshot, records and files')
    .option('--ref <ref>', 'branch, branch@hash or commit hash', MAIN_BRANCH)
    .option('--json', 'print JSON')
    .action(async (options: { ref: string; json?: boolean }) => {
      await withCatalog(async ({ catalog }) => {
        const tables = await summarizeTables(catalog, options.ref);
        if (options.json) return printJson(tables);
        if (tables.length === 0) return writeOut(`no tables on ${options.ref}\n`);
        return writeOut(`${formatTextTable(tables)}\n`);
      });
    });

  table
    .command('history')
    .summary("a table's snapshots, newest first")
    .argument('<table>', 'table name, e.g. gold_device_health')
    .option('--ref <ref>', 'branch, branch@hash or commit hash', MAIN_BRANCH)
    .option('--json', 'print JSON')
    .action(async (name: string, options: { ref: string; json?: boolean }) => {
      await withCatalog(async ({ catalog }) => {
        const { metadata } = await catalog.loadTable(options.ref, qualifyTable(name));
        const history = tableHistory(metadata);
        if (options.json) return printJson(history);
        return writeOut(`${formatTextTable(history)}\n`);
      });
    });

  table
    .command('scan')
    .summary("a table's rows (dates as YYYY-MM-DD, timestamps ISO 8601 with Z)")
    .argument('<table>', 'table name, e.g. gold_device_health')
    .option('--ref <ref>', 'branch, branch@hash or commit hash', MAIN_BRANCH)
    .option('--limit <n>', 'most rows to print', nonNegativeInt)
    .option('--json', 'print a JSON array of row objects')
    .action(async (name: string, options: { ref: string; limit?: number; json?: boolean }) => {
      await withCatalog(async ({ catalog, ctx }) => {
        const { metadata } = await catalog.loadTable(options.ref, qualifyTable(name));
        const rows = await scanTable(ctx, metadata, { limit: options.limit });
        if (options.json) return printJson(rows);
        return writeOut(`${formatTextTable(rows)}\n`);
      });
    });
}
