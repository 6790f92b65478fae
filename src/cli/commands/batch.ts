import type { Command } from 'commander';
import { rangeProblem } from '../../batch/batchPlan.js';
import { describeDuplicates } from '../../batch/duplicates.js';
import { type BatchResult, runBatch } from '../../batch/runBatch.js';
import { CliError } from '../../errors.js';
import { openServing } from '../../serving/openServing.js';
import { formatCount, formatPercent } from '../../util/format.js';
import { withStoppableCliStack } from '../context.js';
import { utcDate } from '../options.js';
import { printJson, say, writeOut } from '../output.js';

/** The human summary of a batch run. */
export function formatBatch(r: BatchResult): string {
  if (r.range === null)
    return `batch ${r.runId}: nothing to do (${r.reason}); main stays at ${r.mainHash.slice(0, 12)}\n${
      r.staleBranches.length > 0 ? `run branches left by earlier runs: ${r.staleBranches.join(', ')}\n` : ''
    }`;
  const lines = [`batch ${r.runId}: ${r.range.from} … ${r.range.to} (${r.reason})`, '', 'models'];
  for (const m of r.models)
    lines.push(
      `  ${m.model.padEnd(28)} ${formatCount(m.rows).padStart(10)} rows ${String(m.ms).padStart(6)} ms`,
    );
  lines.push(
    `  duplicates: ${describeDuplicates(r.duplicates) ?? 'none'} (silver keeps one copy of each reading and event)`,
  );
  lines.push('', 'written on the run branch');
  for (const t of r.tables) {
    lines.push(
      `  ${t.table.padEnd(32)} ${formatCount(t.rows).padStart(8)} rows in ${t.files} files (${t.removedFiles} replaced)`,
    );
  }
  lines.push('', 'audits');
  for (const a of r.audits) {
    lines.push(`  ${a.error ? 'ERROR' : a.passed ? 'pass' : 'FAIL'}  ${a.name}: ${a.detail}`);
    if (!a.passed) for (const row of a.offending ?? []) lines.push(`          ${JSON.stringify(row)}`);
  }
  lines.push('');
  if (r.staleBranches.length > 0)
    lines.push(
      `${r.staleBranches.length} run branch(es) left by earlier runs: ${r.staleBranches.join(', ')} (drop with \`lambda-iot catalog drop <branch>\`)`,
    );
  if (r.attempts > 1)
    lines.push(
      `${r.attempts - 1} publish(es) lost to a concurrent run; attempt ${r.attempts} started over from main`,
    );
  lines.push(
    r.published
      ? `published: main is at ${r.mainHash.slice(0, 12)}`
      : `NOT published: main stays at ${r.mainHash.slice(0, 12)}${r.branch ? `; the run's tables are on branch ${r.branch}` : ''}`,
  );
  if (r.quality) {
    const q = r.quality;
    lines.push(
      '',
      `prediction quality (failure within ${q.horizonDays} days): ${formatCount(q.predictions)} device-days judged, ${q.positives} followed by a failure`,
      `  ROC AUC ${q.rocAuc === null ? 'n/a' : q.rocAuc.toFixed(3)} (0.5 = chance); precision@${q.k} ${formatPercent(q.precisionAtK)} vs base rate ${formatPercent(q.baseRate)}`,
    );
  }
  lines.push('', `done in ${(r.elapsedMs / 1000).toFixed(1)} s`);
  return `${lines.join('\n')}\n`;
}

export function registerBatch(program: Command): void {
  program
    .command('batch')
    .description(
      'Run the batch layer: the SQL models in sql/duckdb/ build silver_telemetry_daily (readings streamed into device-day aggregates), silver_events and the three Gold tables ' +
        '(gold_device_health, gold_failure_predictions, gold_maintenance_schedule) with DuckDB over the raw Parquet in the ' +
        'lake; the Gold tables are written on a run branch (overwriting exactly the rebuilt days), audited, and published ' +
        'to main in one atomic merge only if every audit passes (the SQL tests beside each model, sql/duckdb/*.tests.sql, ' +
        'over the rebuilt days, and checks of the inputs, the schema and freshness). Without dates the run rebuilds what is new in the lake ' +
        'since the last published run (late data included). Exit code 1 when an audit fails (main is unchanged; the run ' +
        'branch is kept for inspection). A publish that loses to a concurrent one starts over from the new main ' +
        '(LAMBDA_IOT_PUBLISH_RETRIES times at most).',
    )
    .option('--from <date>', 'first date to rebuild, YYYY-MM-DD', utcDate)
    .option('--to <date>', 'last date to rebuild, YYYY-MM-DD', utcDate)
    .option('--full', 'rebuild every date in the lake')
    .option('--json', 'print the result as JSON')
    .addHelpText(
      'after',
      '\nExamples:\n  $ lambda-iot batch\n  $ lambda-iot batch --full\n  $ lambda-iot batch --from 2025-04-03 --to 2025-04-05 --json',
    )
    .action(async (options: { from?: string; to?: string; full?: boolean; json?: boolean }) => {
      const problem = rangeProblem(options);
      if (problem !== undefined) throw new CliError(`batch: ${problem}`, { exitCode: 2 });
      await withStoppableCliStack(async (stack, signal) => {
        const { config } = stack;
        const store = await stack.store();
        const catalog = await stack.catalog();
        const result = await runBatch({
          config,
          store,
          catalog,
          from: options.from,
          to: options.to,
          full: options.full,
          signal,
          onStep: (step, detail) => {
            if (!options.json) say(`${step.padEnd(8)} ${detail}`);
          },
        });
        if (result.published) {
          // The serving layer serves the new main: through its owner when one runs, else by itself.
          const handle = await openServing(stack);
          try {
            const gold = await handle.serving.attachGold();
            await handle.serving.refresh();
            if (!options.json)
              say(`serve    Gold attached (closed through ${gold.closedThrough ?? 'n/a'}); views refreshed`);
          } finally {
            await handle.close();
          }
        }
        if (options.json) await printJson(result);
        else await writeOut(formatBatch(result));
        if (result.range !== null && !result.published) {
          const failed = result.audits.filter((a) => !a.passed && !a.error).map((a) => a.name);
          const errored = result.audits.filter((a) => a.error).map((a) => a.name);
          const why = [
            ...(failed.length > 0 ? [`audits failed (${failed.join('; ')})`] : []),
            ...(errored.length > 0 ? [`audits could not run (${errored.join('; ')})`] : []),
          ];
          throw new CliError(`batch: ${why.join('; ')}; nothing published`);
        }
      });
    });
}
