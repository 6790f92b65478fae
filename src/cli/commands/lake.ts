import { type Command, Option } from 'commander';
import { summarizeLake } from '../../lake/lakeSummary.js';
import { formatBytes, formatCount } from '../../util/format.js';
import { withStore } from '../context.js';
import { keyPrefix } from '../options.js';
import { printJson, writeOut } from '../output.js';

export function registerLake(program: Command): void {
  const lake = program
    .command('lake')
    .description(
      'Inspect the configured object store: the local lake directory, or the S3 bucket with LAMBDA_IOT_STORE=s3.',
    );

  lake
    .command('ls')
    .summary('objects, rows and bytes per partition')
    .description(
      'List the lake by folder (for raw data: one line per dataset and event date) with the number of objects, rows ' +
        '(from the Parquet footers, read with ranged requests) and bytes, then the totals.',
    )
    .addOption(
      new Option('--prefix <prefix>', 'only keys starting with this, e.g. raw/telemetry/')
        .argParser(keyPrefix)
        .default('', 'everything'),
    )
    .option('--json', 'print the summary as JSON')
    .addHelpText(
      'after',
      '\nExamples:\n  $ lambda-iot lake ls\n  $ lambda-iot lake ls --prefix raw/events/ --json',
    )
    .action(async (options: { prefix: string; json?: boolean }) => {
      await withStore(async (store) => {
        const summary = await summarizeLake(store, options.prefix);
        if (options.json) return printJson({ store: store.describe(), ...summary });
        const width = Math.max(10, ...summary.partitions.map((p) => p.prefix.length));
        const lines = [
          `lake ${store.describe()}${options.prefix ? `, prefix ${options.prefix}` : ''}`,
          '',
          `${'partition'.padEnd(width)}  ${'objects'.padStart(8)}  ${'rows'.padStart(12)}  ${'bytes'.padStart(10)}`,
          ...summary.partitions.map(
            (p) =>
              `${p.prefix.padEnd(width)}  ${formatCount(p.objects).padStart(8)}  ${(p.rows === null ? '-' : formatCount(p.rows)).padStart(12)}  ${formatBytes(p.bytes).padStart(10)}` +
              (p.unreadable.length > 0 ? `  (${p.unreadable.length} unreadable: ${p.unreadable[0]}…)` : ''),
          ),
          `${'total'.padEnd(width)}  ${formatCount(summary.totals.objects).padStart(8)}  ${formatCount(summary.totals.rows).padStart(12)}  ${formatBytes(summary.totals.bytes).padStart(10)}`,
        ];
        if (summary.partitions.length === 0)
          lines.push('', 'the lake is empty here; land the log with: lambda-iot land --until-idle');
        return writeOut(`${lines.join('\n')}\n`);
      }, 'read');
    });
}
