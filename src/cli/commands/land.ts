import type { Command } from 'commander';
import { describeLogTarget } from '../../bus/openLog.js';
import { CliError, LakeLogMismatchError } from '../../errors.js';
import type { LandingStats } from '../../lake/landingSink.js';
import { runLandingSink } from '../../lake/landingSink.js';
import { formatBytes, formatCount } from '../../util/format.js';
import { withCliStack } from '../context.js';
import { DEFAULT_IDLE_MS, durationMs, formatDuration, untilIdleMs } from '../options.js';
import { printJson, say, stopSignal, writeOut } from '../output.js';

/** One line of counters, e.g. "read 101,590 · telemetry 28 files 97,991 rows 1.1 MiB · events … · anomalies … · dead-lettered 0". */
export function formatLandingStats(s: LandingStats): string {
  const kind = (name: string, t: LandingStats['telemetry']) =>
    `${name} ${formatCount(t.files)} files ${formatCount(t.rows)} rows ${formatBytes(t.bytes)}`;
  return `read ${formatCount(s.read)} · ${kind('telemetry', s.telemetry)} · ${kind('events', s.events)} · ${kind('anomalies', s.anomalies)} · dead-lettered ${formatCount(s.deadLettered)}`;
}

function formatResume(s: LandingStats): string {
  const lines = s.resumedFrom
    .filter((r) => r.offset > 0)
    .map((r) => {
      const lake = r.lake === undefined ? 'nothing landed' : `lake up to ${formatCount(r.lake - 1)}`;
      return `  ${r.topic}[${r.partition}] from offset ${formatCount(r.offset)} (${lake}, committed ${formatCount(r.committed)})`;
    });
  return lines.length > 0 ? `resumed:\n${lines.join('\n')}\n` : '';
}

interface LandOptions {
  untilIdle?: number | boolean;
  ignoreCommitted?: boolean;
  newLog?: boolean;
  json?: boolean;
}

/** A lake of another log: the user chooses how to proceed (exit 2, like a usage error). */
function refuseAnotherLog(error: unknown): never {
  if (error instanceof LakeLogMismatchError) throw new CliError(error.message, { exitCode: 2, cause: error });
  throw error;
}

export function registerLand(program: Command): void {
  program
    .command('land')
    .description(
      'Run the landing sink: consume iot-telemetry, iot-events and iot-anomalies as group lambda_batch_ingestion and ' +
        'write typed Parquet files to ' +
        'raw/{telemetry|events|anomalies}/date=YYYY-MM-DD/{topic}-{partition}-{firstOffset}-{lastOffset}.parquet in the ' +
        'configured store (a local directory by default, S3/MinIO with LAMBDA_IOT_STORE=s3). Each file holds a contiguous ' +
        'offset range of one partition, all of one event date. Invalid messages go to iot-dlq with the reason.\n\n' +
        'A file is written when it reaches LAMBDA_IOT_LAND_FILE_ROWS rows, when the event date changes, at the end of the ' +
        'input, and (live mode) when its oldest row waited LAMBDA_IOT_LAND_FLUSH_SECONDS. Offsets are committed only past ' +
        'what is in the lake; a restart resumes after the newest landed file of each partition, so a crash neither loses ' +
        'nor duplicates rows. SIGINT/SIGTERM write what is buffered, commit and exit 0.',
    )
    .option(
      '--until-idle [duration]',
      `stop once no message arrived for this long (default ${formatDuration(DEFAULT_IDLE_MS)}); otherwise run live`,
      durationMs,
    )
    .option(
      '--ignore-committed',
      "resume only from the lake's file names, ignoring committed offsets, and land again every gap between landed files (after deleting raw files); offsets the log no longer holds are recorded under raw/_lost/",
    )
    .option(
      '--new-log',
      'land a log the lake does not hold (a reset log, another cluster) beside the old one, under raw/{kind}/date=…/log={n}/, instead of refusing',
    )
    .option('--json', 'print the final counters as JSON on stdout')
    .addHelpText(
      'after',
      '\nExamples:\n  $ lambda-iot land --until-idle\n  $ lambda-iot land            # live: runs until Ctrl-C\n' +
        '  $ LAMBDA_IOT_STORE=s3 LAMBDA_IOT_S3_ENDPOINT=http://localhost:9000 lambda-iot land --until-idle --json',
    )
    .action(async (options: LandOptions) => {
      const idleMs = untilIdleMs(options.untilIdle);
      await withCliStack(async (stack) => {
        const { config } = stack;
        const log = await stack.log();
        const store = await stack.store();
        const stop = stopSignal();
        try {
          if (!options.json) {
            say(
              `landing ${describeLogTarget(config)} → ${store.describe()}${idleMs === undefined ? ' (live)' : ''}`,
            );
          }
          const stats = await runLandingSink({
            log,
            store,
            config,
            idleMs,
            signal: stop.signal,
            ignoreCommitted: options.ignoreCommitted,
            newLog: options.newLog,
            onWarning: (message) => say(`warning: ${message}`),
            onStats: (s, final) => {
              if (!final && !options.json) say(formatLandingStats(s));
            },
          }).catch(refuseAnotherLog);
          if (options.json) return printJson(stats);
          return writeOut(`${formatResume(stats)}${formatLandingStats(stats)}\n`);
        } finally {
          stop.dispose();
        }
      });
    });
}
