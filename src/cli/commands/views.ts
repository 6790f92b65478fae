import type { Command } from 'commander';
import { CliError } from '../../errors.js';
import { openServing } from '../../serving/openServing.js';
import { SERVING_VIEWS, type ServingView } from '../../serving/port.js';
import { withCliStack } from '../context.js';
import { printJson, writeOut } from '../output.js';

export function registerViews(program: Command): void {
  const views = program
    .command('views')
    .description("The serving layer's materialized views: anomaly_rollup and unified_device_health.");
  views
    .command('refresh')
    .argument('[view]', 'anomaly_rollup or unified_device_health (default both)')
    .option('--full', 'recompute every row instead of only what changed since the last refresh')
    .option('--json', 'print what was refreshed as JSON')
    .description(
      'Refresh the views: only the device-hours and device-days touched since the last refresh, or everything with --full.',
    )
    .addHelpText(
      'after',
      '\nExamples:\n  $ lambda-iot views refresh\n  $ lambda-iot views refresh unified_device_health --full',
    )
    .action(async (view: string | undefined, options: { full?: boolean; json?: boolean }) => {
      if (view !== undefined && !(SERVING_VIEWS as readonly string[]).includes(view)) {
        throw new CliError(`views refresh: unknown view '${view}' (expected ${SERVING_VIEWS.join(' or ')})`, {
          exitCode: 2,
        });
      }
      await withCliStack(async (stack) => {
        const handle = await openServing(stack);
        try {
          const results = await handle.serving.refresh(
            view === undefined ? SERVING_VIEWS : [view as ServingView],
            { full: options.full },
          );
          if (options.json) return printJson(results);
          return writeOut(
            `${results.map((r) => `${r.view}: ${r.mode} refresh of ${r.keys} ${r.mode === 'full' ? 'rows' : 'keys'} in ${r.durationMs} ms`).join('\n')}\n`,
          );
        } finally {
          await handle.close();
        }
      });
    });
}
