import type { Command } from 'commander';
import { readGroupLag } from '../../bus/lag.js';
import { GROUPS, qualifiedName, topicName } from '../../config/names.js';
import { CliError } from '../../errors.js';
import { ingestAsOwner } from '../../pipeline/servingStep.js';
import type { Stack } from '../../pipeline/stack.js';
import { openServing, type ServingHandle } from '../../serving/openServing.js';
import type { Serving, ServingStatus } from '../../serving/port.js';
import { rebuildServing } from '../../serving/rebuildServing.js';
import type { ServingIngestStats } from '../../serving/servingIngest.js';
import { formatCount } from '../../util/format.js';
import { formatTextTable } from '../../util/formatTable.js';
import { withCliStack } from '../context.js';
import { DEFAULT_IDLE_MS, durationMs, formatDuration, untilIdleMs } from '../options.js';
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

/** `serve status`'s exit code: 1 when a routine load is paused or stopped or a view's refresh failed. */
export function statusExitCode(status: ServingStatus): number {
  return (status.problems ?? []).length > 0 ? 1 : 0;
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
  if (status.routineLoads) {
    lines.push(
      formatTextTable(
        status.routineLoads.map((l) => ({
          'routine load': l.name,
          state: l.state,
          'loaded rows': l.statistic.loadedRows ?? 'n/a',
          'error rows': l.statistic.errorRows ?? 'n/a',
          progress: JSON.stringify(l.progress),
          latest: l.latest ? JSON.stringify(l.latest) : 'n/a',
        })),
        'routine loads (StarRocks)',
      ),
      '',
    );
  }
  if (lag.length > 0) {
    lines.push(
      formatTextTable(
        lag.map((l) => ({ topic: l.topic, 'lambda_serving lag': l.lag ?? 'n/a' })),
        'ingest',
      ),
    );
  }
  if (status.problems) {
    lines.push(
      status.problems.length === 0 ? 'healthy: every routine load runs, every view refreshed' : 'PROBLEMS:',
    );
    for (const problem of status.problems) lines.push(`  ${problem}`);
  }
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

const WATCH_MS = 30_000;

/**
 * `serve` on StarRocks: StarRocks loads the topics itself (routine loads), so the kit applies sql/starrocks
 * (idempotently), records the batch watermark and refreshes the views, then watches: after each publish
 * it sees on main it refreshes the lake table and the views, and it reports a routine load that pauses or
 * a refresh that fails as soon as it sees one. With --until-idle: one pass, then stop.
 */
async function serveStarrocks(
  serving: Serving,
  options: { idleMs: number | undefined; json?: boolean; signal: AbortSignal },
): Promise<void> {
  await serving.applySchema();
  let gold = await serving.attachGold();
  let refreshed = await serving.refresh();
  let status = await serving.status();
  const report = (problems: readonly string[]) => {
    for (const problem of problems) say(`serve: ${problem}`);
  };
  if (!options.json) {
    say(
      `serving ${serving.describe()}: schema applied; Gold ${gold.snapshotId === null ? 'not published yet' : `snapshot ${gold.snapshotId}, closed through ${gold.closedThrough ?? 'n/a'}`}; views refreshed` +
        `${options.idleMs === undefined ? ` (watching every ${WATCH_MS / 1000} s; Ctrl-C stops)` : ''}`,
    );
    report(status.problems ?? []);
  }
  while (options.idleMs === undefined && !options.signal.aborted) {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, WATCH_MS);
      options.signal.addEventListener('abort', () => {
        clearTimeout(timer);
        resolve();
      });
    });
    if (options.signal.aborted) break;
    gold = await serving.attachGold();
    if (gold.changed) {
      refreshed = await serving.refresh();
      if (!options.json) say(`serve: Gold snapshot ${gold.snapshotId} served; views refreshed`);
    }
    const previous = new Set(status.problems ?? []);
    status = await serving.status();
    if (!options.json) report((status.problems ?? []).filter((p) => !previous.has(p)));
  }
  if ((status.problems ?? []).length > 0) process.exitCode = 1;
  if (options.json) return printJson({ gold, refreshed, problems: status.problems ?? [] });
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
      `stop after this long without new messages (default ${formatDuration(DEFAULT_IDLE_MS)} when given alone)`,
      durationMs,
    )
    .option(
      '--rebuild',
      'empty the serving tables and rebuild them from the lake (raw/anomalies) and the whole log first',
    )
    .option('--json', 'print the final counters as JSON on stdout')
    .addHelpText(
      'after',
      '\nExamples:\n  $ lambda-iot serve --until-idle        # ingest what is in the log, refresh, stop\n' +
        '  $ lambda-iot serve --rebuild --until-idle   # after deleting or damaging the serving database\n' +
        '  $ lambda-iot serve                     # keep serving until Ctrl-C\n  $ lambda-iot serve status',
    )
    .action(async (options: { untilIdle?: number | boolean; rebuild?: boolean; json?: boolean }) => {
      const idleMs = untilIdleMs(options.untilIdle);
      await withCliStack(async (stack) => {
        const handle = await ownServing(stack);
        const stop = stopSignal();
        try {
          const { serving } = handle;
          if (serving.kind === 'starrocks') {
            return await serveStarrocks(serving, { idleMs, json: options.json, signal: stop.signal });
          }
          if (options.rebuild) {
            const rebuilt = await rebuildServing({
              serving,
              log: await stack.log(),
              store: await stack.store(),
              config: stack.config,
              signal: stop.signal,
            });
            if (!options.json) {
              say(
                `rebuilt: ${formatCount(rebuilt.fromLake.anomalies)} anomalies from the lake, ${formatCount(rebuilt.fromLake.reviews)} reviews from the lake, then ${formatIngest(rebuilt.fromLog).replace('serve: ', '')} replayed from the log`,
              );
            }
          }
          const gold = await serving.attachGold();
          await serving.refresh(undefined, { full: options.rebuild });
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
          // StarRocks consumes the topics itself: its routine loads report their offsets instead of a group lag
          const lag = status.kind === 'starrocks' ? [] : await servingLag(stack);
          process.exitCode = statusExitCode(status);
          if (options.json) return printJson({ ...status, lag, ownedBy: handle.ownedBy?.pid ?? process.pid });
          return writeOut(formatStatus(status, lag));
        } finally {
          await handle.close();
        }
      });
    });
}
