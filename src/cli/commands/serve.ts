import type { Command } from 'commander';
import { readGroupLag } from '../../bus/lag.js';
import { GROUPS, qualifiedName, topicName } from '../../config/names.js';
import { CliError } from '../../errors.js';
import { ingestAsOwner } from '../../pipeline/servingStep.js';
import type { Stack } from '../../pipeline/stack.js';
import { openServing, type ServingHandle } from '../../serving/openServing.js';
import type { ServingStatus } from '../../serving/port.js';
import type { ServingIngestStats } from '../../serving/servingIngest.js';
import { formatCount } from '../../util/format.js';
import { formatTextTable } from '../../util/formatTable.js';
import { withCliStack } from '../context.js';
import { untilIdleMs } from '../options.js';
import { printJson, say, stopSignal, writeOut } from '../output.js';

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Opens the serving layer as its ingesting owner; waits (up to a minute) for a one-shot owner to finish. */
async function ownServing(stack: Stack): Promise<ServingHandle> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const handle = await openServing(stack, { role: 'ingest' });
    if (handle.owner) return handle;
    const by = handle.ownedBy!;
    if (by.role === 'ingest') {
      throw new CliError(
        `serve: pid ${by.pid} (lambda-iot ${by.command}) already owns and ingests the serving layer; stop it first`,
        { exitCode: 2 },
      );
    }
    if (Date.now() > deadline) {
      throw new CliError(
        `serve: pid ${by.pid} (lambda-iot ${by.command}) has held the serving layer for a minute; try again`,
      );
    }
    await pause(200);
  }
}

function formatIngest(s: ServingIngestStats): string {
  return (
    `serve: ${formatCount(s.read)} messages: ${formatCount(s.anomalies)} anomalies, ${formatCount(s.realtime)} real-time rows, ` +
    `${formatCount(s.reviews)} reviews, ${formatCount(s.deadLettered)} dead-lettered`
  );
}

/** `serve status` as text. */
export function formatStatus(status: ServingStatus, lag: { topic: string; lag: number | null }[]): string {
  const lines = [`serving ${status.where}`, ''];
  lines.push(formatTextTable(status.freshness, 'freshness'), '');
  lines.push(
    formatTextTable(
      status.refreshes.length > 0 ? status.refreshes : [{ view_name: '(never refreshed)' }],
      'views',
    ),
    '',
  );
  lines.push(
    formatTextTable(
      Object.entries(status.tables).map(([table, rows]) => ({ table, rows })),
      'tables',
    ),
    '',
  );
  lines.push(
    formatTextTable(
      lag.map((l) => ({ topic: l.topic, 'lambda_serving lag': l.lag ?? 'n/a' })),
      'ingest',
    ),
  );
  return `${lines.join('\n')}\n`;
}

async function servingLag(stack: Stack): Promise<{ topic: string; lag: number | null }[]> {
  const log = await stack.log();
  const group = qualifiedName(stack.config, GROUPS.serving);
  const out: { topic: string; lag: number | null }[] = [];
  for (const role of ['anomalies', 'deviceHealthRt', 'anomalyReviews'] as const) {
    const topic = topicName(stack.config, role);
    const lag = await readGroupLag(log, group, topic).catch(() => null);
    out.push({ topic, lag: lag?.lag ?? null });
  }
  return out;
}

export function registerServe(program: Command): void {
  const serve = program
    .command('serve')
    .description(
      'Run the serving layer: ingest iot-anomalies, iot-device-health-rt and iot-anomaly-reviews (group lambda_serving) ' +
        'into the serving database, attach the Gold tables published on main, and refresh anomaly_rollup and ' +
        'unified_device_health incrementally. This process owns the serving database and answers every other ' +
        'command (sql, views refresh, serve status, batch) over a local endpoint while it runs.',
    )
    .option(
      '--until-idle [duration]',
      'stop after this long without new messages (default 2s when given alone)',
    )
    .option('--json', 'print the final counters as JSON on stdout')
    .addHelpText(
      'after',
      '\nExamples:\n  $ lambda-iot serve --until-idle        # ingest what is in the log, refresh, stop\n' +
        '  $ lambda-iot serve                     # keep serving until Ctrl-C\n  $ lambda-iot serve status',
    )
    .action(async (options: { untilIdle?: string | boolean; json?: boolean }) => {
      const idleMs = untilIdleMs(options.untilIdle);
      await withCliStack(async (stack) => {
        const handle = await ownServing(stack);
        const stop = stopSignal();
        try {
          const { serving } = handle;
          const gold = await serving.attachGold();
          await serving.refresh();
          if (!options.json) {
            say(
              `serving ${serving.describe()}: Gold ${gold.snapshotId === null ? 'not published yet' : `snapshot ${gold.snapshotId}, closed through ${gold.closedThrough ?? 'n/a'}`}` +
                `${idleMs === undefined ? ' (live; Ctrl-C stops)' : ''}`,
            );
          }
          let lastReport = Date.now();
          const { stats, refreshed } = await ingestAsOwner(stack, serving, {
            idleMs,
            signal: stop.signal,
            onBatch: (s) => {
              if (!options.json && Date.now() - lastReport > 5_000) {
                lastReport = Date.now();
                say(formatIngest(s));
              }
            },
          });
          if (options.json) return printJson({ ...stats, refreshed });
          return writeOut(`${formatIngest(stats)}; views refreshed\n`);
        } finally {
          stop.dispose();
          await handle.close();
        }
      });
    });

  serve
    .command('status')
    .description(
      'Show the serving layer: freshness per source (newest event time, served Gold snapshot and watermark), when each view was refreshed, rows per table, and the lag of group lambda_serving.',
    )
    .option('--json', 'print the status as JSON')
    .addHelpText('after', '\nExample:\n  $ lambda-iot serve status --json')
    .action(async (_options: unknown, command: Command) => {
      // `serve status --json`: the parent `serve` also has --json, so read the merged options.
      const options = command.optsWithGlobals() as { json?: boolean };
      await withCliStack(async (stack) => {
        const handle = await openServing(stack);
        try {
          const status = await handle.serving.status();
          const lag = await servingLag(stack);
          if (options.json) return printJson({ ...status, lag, ownedBy: handle.ownedBy?.pid ?? process.pid });
          return writeOut(formatStatus(status, lag));
        } finally {
          await handle.close();
        }
      });
    });
}
