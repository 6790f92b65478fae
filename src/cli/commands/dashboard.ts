import { type Command, InvalidArgumentError as CommanderInvalidArgument } from 'commander';
import { exportDashboard } from '../../dashboard/export.js';
import { parseFilters, RANGES } from '../../dashboard/panels.js';
import { reviewProducer } from '../../dashboard/reviews.js';
import { isLoopbackHost, startDashboard } from '../../dashboard/server.js';
import { telemetryAround } from '../../dashboard/telemetry.js';
import { CliError } from '../../errors.js';
import { ingestAsOwner } from '../../pipeline/servingStep.js';
import { openServing } from '../../serving/openServing.js';
import { withCliStack } from '../context.js';
import { nonNegativeInt, refuseOptions } from '../options.js';
import { printJson, say, stopSignal, writeOut } from '../output.js';

function port(value: string): number {
  const n = nonNegativeInt(value);
  if (n > 65_535) throw new CommanderInvalidArgument('expected a port from 0 to 65535');
  return n;
}

interface DashboardCliOptions {
  port?: number;
  host: string;
  export?: string;
  png?: boolean;
  range: string;
  device?: string;
  json?: boolean;
}

export function registerDashboard(program: Command): void {
  program
    .command('dashboard')
    .description(
      'Serve the operations dashboard (every panel from the serving layer, filters in the URL, a device page with ' +
        'telemetry around an alert from the lake) on http://127.0.0.1:LAMBDA_IOT_DASHBOARD_PORT/. When no serving ' +
        'owner runs, this process becomes it and ingests and refreshes live. Open pages update by themselves ' +
        '(server-sent events); operators confirm or dismiss alerts (produced to iot-anomaly-reviews, answered once ' +
        'served). Nothing is loaded from another host. ' +
        'With --export, write a self-contained HTML file (and with --png one PNG per panel) instead, and exit.',
    )
    .option('--port <n>', 'port to listen on (default LAMBDA_IOT_DASHBOARD_PORT; 0 = a free one)', port)
    .option(
      '--host <address>',
      'address to bind; anything but loopback needs LAMBDA_IOT_DASHBOARD_TOKEN',
      '127.0.0.1',
    )
    .option('--export <dir>', 'write <dir>/dashboard.html (self-contained) and exit')
    .option('--png', 'with --export: also one PNG per panel (vega → SVG → resvg)')
    .option(
      '--range <range>',
      `with --export: the time range (${RANGES.filter((r) => r !== 'custom').join(', ')})`,
      '7d',
    )
    .option('--device <id>', 'with --export: only this device')
    .option('--json', 'with --export: print what was written as JSON')
    .addHelpText(
      'after',
      '\nExamples:\n  $ lambda-iot dashboard                      # http://127.0.0.1:8080/\n' +
        '  $ lambda-iot dashboard --export out --png   # out/dashboard.html + one PNG per panel\n' +
        '  $ LAMBDA_IOT_DASHBOARD_TOKEN=… lambda-iot dashboard --host 0.0.0.0',
    )
    .action(async (options: DashboardCliOptions, command: Command) => {
      if (options.export) refuseOptions(command, ['--port', '--host'], 'with --export (nothing is served)');
      else refuseOptions(command, ['--png', '--range', '--device', '--json'], 'without --export DIR');
      await withCliStack(async (stack) => {
        const config = stack.config;
        if (options.export) {
          const filters = parseFilters({
            range: options.range,
            ...(options.device ? { device: options.device } : {}),
          });
          const handle = await openServing(stack);
          try {
            const out = await exportDashboard(handle.serving, options.export, filters, { png: options.png });
            if (options.json) return printJson(out);
            return writeOut(
              `dashboard export: ${out.html}${out.pngs.length > 0 ? ` and ${out.pngs.length} PNGs` : ''}\n`,
            );
          } finally {
            await handle.close();
          }
        }
        if (!isLoopbackHost(options.host) && !config.dashboardToken) {
          throw new CliError(
            `dashboard: --host ${options.host} is not a loopback address; set LAMBDA_IOT_DASHBOARD_TOKEN (the token every request must carry) to serve beyond this machine`,
            { exitCode: 2 },
          );
        }
        const handle = await openServing(stack, { role: 'ingest' });
        const stop = stopSignal();
        try {
          const { serving } = handle;
          const server = await startDashboard({
            serving,
            telemetry: telemetryAround(await stack.store(), config.dataDir),
            host: options.host,
            port: options.port ?? config.dashboardPort,
            token: isLoopbackHost(options.host) ? undefined : config.dashboardToken,
            produceReviews: reviewProducer(await stack.log(), config),
            onError: (message) => say(message),
          });
          say(
            `dashboard on ${server.url} (${handle.owner ? 'owns the serving layer: ingesting live' : `serving owned by pid ${handle.ownedBy?.pid}`}; Ctrl-C stops)`,
          );
          try {
            if (handle.owner) {
              await serving.attachGold();
              await serving.refresh();
              await ingestAsOwner(stack, serving, { signal: stop.signal });
            }
            await new Promise<void>((resolve) => {
              if (stop.signal.aborted) resolve();
              stop.signal.addEventListener('abort', () => resolve(), { once: true });
            });
          } finally {
            await server.close();
          }
        } finally {
          stop.dispose();
          await handle.close();
        }
      });
    });
}
