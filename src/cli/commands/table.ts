import { type Command, Option } from 'commander';
import { expireSnapshots, findOrphans } from '../../catalog/maintenance.js';
import { MAIN_BRANCH } from '../../catalog/port.js';
import { qualifyTable, summarizeTables, tableHistory } from '../../catalog/tableInfo.js';
import { CliError } from '../../errors.js';
import { scanTable } from '../../iceberg/tableReader.js';
import { formatBytes } from '../../util/format.js';
import { formatTextTable } from '../../util/formatTable.js';
import { withCatalog } from '../context.js';
import { ageMs, durationMs, formatDuration, nonNegativeInt, positiveInt } from '../options.js';
import { printJson, writeOut } from '../output.js';

/** `table orphans` leaves files younger than this alone by default: a writer may be about to commit them. */
const ORPHAN_MIN_AGE_MS = 3 * 86_400_000;

/** `table`: look at the Iceberg tables of a branch; one function per subcommand below. */
export function registerTable(program: Command): void {
  const table = program
    .command('table')
    .description(
      'Look at the Iceberg tables of a catalog branch (default main). A table name may omit its namespace (iot). ' +
        '--ref takes a branch, branch@hash or a commit hash, so any published state can be read again.',
    )
    .addHelpText(
      'after',
      '\nExamples:\n  $ lambda-iot table ls\n  $ lambda-iot table history gold_device_health\n' +
        '  $ lambda-iot table scan gold_device_health --limit 5\n  $ lambda-iot table scan iot.gold_device_health --ref main@3f2a1b --json',
    );
  registerLs(table);
  registerHistory(table);
  registerScan(table);
  registerExpire(table);
  registerOrphans(table);
}

/** The columns of `table ls` for a table whose metadata cannot be read (null prints as –). */
const UNREADABLE_ROW = {
  snapshot_id: 'unreadable',
  records: null,
  data_files: null,
  columns: null,
  partitioned_by: null,
  location: null,
};

function registerLs(table: Command): void {
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
        // An unreadable table keeps its row (its figures shown as –) and gets a line saying why.
        const rows = tables.map((t) => ('unreadable' in t ? { table: t.table, ...UNREADABLE_ROW } : t));
        const notes = tables.flatMap((t) =>
          'unreadable' in t ? [`${t.table} is unreadable: ${t.unreadable}\n`] : [],
        );
        return writeOut(`${formatTextTable(rows)}\n${notes.join('')}`);
      }, 'read');
    });
}

function registerHistory(table: Command): void {
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
      }, 'read');
    });
}

function registerScan(table: Command): void {
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
      }, 'read');
    });
}

function registerExpire(table: Command): void {
  table
    .command('expire')
    .summary('expire old snapshots of a table on a branch (default main)')
    .argument('<table>', 'table name, e.g. gold_device_health')
    .option('--keep <n>', 'keep the newest n snapshots', positiveInt)
    .option('--older-than <duration>', 'keep snapshots younger than this, e.g. 7d', durationMs)
    .option('--ref <branch>', 'the branch whose table metadata is trimmed', MAIN_BRANCH)
    .option('--json', 'print JSON')
    .addHelpText(
      'after',
      '\nCommits older than the expiry can no longer be read (a typed "expired" error); other branches keep their own\n' +
        'snapshots. Then `table orphans` finds the files nothing reachable references.\n\nExamples:\n' +
        '  $ lambda-iot table expire gold_device_health --keep 5\n  $ lambda-iot table expire gold_device_health --older-than 7d',
    )
    .action(
      async (name: string, options: { keep?: number; olderThan?: number; ref: string; json?: boolean }) => {
        if (options.keep === undefined && options.olderThan === undefined) {
          throw new CliError(
            'table expire: give --keep N or --older-than T (e.g. --keep 5 or --older-than 7d)',
            { exitCode: 2 },
          );
        }
        await withCatalog(async ({ catalog }) => {
          const result = await expireSnapshots(catalog, qualifyTable(name), {
            keep: options.keep,
            olderThanMs: options.olderThan,
            branch: options.ref,
          });
          if (options.json) return printJson(result);
          return writeOut(
            result.expired.length === 0
              ? `nothing to expire in ${result.table} on ${result.branch} (${result.kept.length} snapshots kept)\n`
              : `expired ${result.expired.length} snapshots of ${result.table} on ${result.branch}, kept ${result.kept.length}; commit ${result.commit?.slice(0, 12)}\n`,
          );
        });
      },
    );
}

function registerOrphans(table: Command): void {
  table
    .command('orphans')
    .summary("files under a table's location that nothing reachable references")
    .argument('<table>', 'table name, e.g. gold_device_health')
    .addOption(
      new Option(
        '--older-than <duration>',
        'only files at least this old (a writer may be about to commit newer ones); 0 = any age',
      )
        .argParser(ageMs)
        .default(ORPHAN_MIN_AGE_MS, formatDuration(ORPHAN_MIN_AGE_MS)),
    )
    .option('--delete', 'delete them')
    .option('--json', 'print JSON')
    .addHelpText(
      'after',
      '\nReachable: the table at the head of every branch and at every commit newer than its last expiry. Only the\n' +
        "table's own location is scanned.\n\nExamples:\n  $ lambda-iot table orphans gold_device_health\n" +
        '  $ lambda-iot table orphans gold_device_health --older-than 1h --delete',
    )
    .action(async (name: string, options: { olderThan: number; delete?: boolean; json?: boolean }) => {
      await withCatalog(async ({ catalog, store }) => {
        const result = await findOrphans(catalog, store, qualifyTable(name), {
          olderThanMs: options.olderThan,
          remove: options.delete === true,
        });
        if (options.json) return printJson(result);
        const bytes = result.orphans.reduce((n, o) => n + o.size, 0);
        const lines = result.orphans.map((o) => `  ${o.uri}  ${formatBytes(o.size)}  ${o.lastModified}`);
        return writeOut(
          `${result.orphans.length} orphan files (${formatBytes(bytes)}) in ${result.table}; ${result.referenced} referenced files kept` +
            `${result.deleted ? '; deleted' : result.orphans.length > 0 ? '; rerun with --delete to remove them' : ''}\n${lines.join('\n')}${lines.length ? '\n' : ''}`,
        );
      });
    });
}
