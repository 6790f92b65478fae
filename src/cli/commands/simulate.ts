import { type Command, Option } from 'commander';
import { describeLogTarget } from '../../bus/openLog.js';
import type { Log } from '../../bus/port.js';
import type { Config } from '../../config/config.js';
import { CliError } from '../../errors.js';
import {
  DEFAULT_CADENCE_MS,
  DEFAULT_FROM_MS,
  DEFAULT_PLANT,
  historySimulation,
  PROFILES,
  type Profile,
  type SimulationOptions,
} from '../../ingest/index.js';
import { simulateLive } from '../../pipeline/simulateLive.js';
import { simulateToLog } from '../../pipeline/simulateToLog.js';
import { formatUtc, parseUtcOption } from '../../time/utcTime.js';
import { formatBytes, formatCount } from '../../util/format.js';
import { intervalGate, PROGRESS_INTERVAL_MS } from '../../util/throttle.js';
import { withLog } from '../context.js';
import {
  durationMs,
  formatDuration,
  positiveInt,
  positiveNumber,
  refuseOptions,
  utcTimeText,
} from '../options.js';
import { createProgress, printJson, say, stopSignal, writeOut } from '../output.js';

interface SimulateCliOptions {
  devices: number;
  days?: number;
  from?: string;
  to?: string;
  seed: number;
  cadence: number;
  profile: Profile;
  live?: boolean;
  rate: number;
  duration?: number;
  again?: boolean;
  json?: boolean;
}

/** Turns the history options into simulation options (no wall clock involved). */
export function resolveHistory(
  options: Pick<SimulateCliOptions, 'devices' | 'days' | 'from' | 'to' | 'seed' | 'cadence' | 'profile'>,
): SimulationOptions {
  if (options.days !== undefined && options.to !== undefined) {
    throw new CliError('simulate: give either --days or --to, not both', { exitCode: 2 });
  }
  const fromMs = options.from === undefined ? DEFAULT_FROM_MS : parseUtcOption(options.from, '--from');
  const plan = {
    devices: options.devices,
    seed: options.seed,
    fromMs,
    cadenceMs: options.cadence,
    profile: options.profile,
  };
  if (options.to === undefined)
    return historySimulation({ ...plan, days: options.days ?? DEFAULT_PLANT.days });
  const toMs = parseUtcOption(options.to, '--to');
  if (toMs <= fromMs)
    throw new CliError(`simulate: --to (${formatUtc(toMs)}) must be after --from (${formatUtc(fromMs)})`, {
      exitCode: 2,
    });
  return { ...historySimulation({ ...plan, days: 1 }), toMs };
}

/** Bytes a reading takes in the embedded log (SQLite), measured: 20 devices × 2 days, 56,430 readings, 11.0 MB. */
export const LOG_BYTES_PER_READING = 200;
/** A history at least this long says its size before producing. */
export const ANNOUNCE_READINGS = 1_000_000;
/** Above this estimated log size simulate warns first: more disk than a laptop likes to give away (2 GiB). */
export const LARGE_LOG_BYTES = 2 * 1024 ** 3;

/**
 * The size of a history before it is produced: readings (an upper bound: a failed device reads nothing while
 * it is down) and the approximate log size on disk; `large` above LARGE_LOG_BYTES.
 * @example historySize(resolveHistory(options)); // { readings: 100800, logBytes: 20160000, large: false }
 */
export function historySize(simulation: SimulationOptions): {
  readings: number;
  logBytes: number;
  large: boolean;
} {
  const readings =
    simulation.devices * Math.ceil((simulation.toMs - simulation.fromMs) / simulation.cadenceMs);
  const logBytes = readings * LOG_BYTES_PER_READING;
  return { readings, logBytes, large: logBytes > LARGE_LOG_BYTES };
}

/** Says how big a long history will be, and warns above LARGE_LOG_BYTES (stderr; the warning also with --json). */
function announceSize(simulation: SimulationOptions, json: boolean | undefined): void {
  const size = historySize(simulation);
  if (size.readings < ANNOUNCE_READINGS) return;
  if (!json) {
    say(
      `simulate: up to ${formatCount(size.readings)} readings (${simulation.devices} devices, one every ` +
        `${simulation.cadenceMs / 1000}s), about ${formatBytes(size.logBytes)} in the log ` +
        `(~${LOG_BYTES_PER_READING} B a reading); the lake and the speed layer add more`,
    );
  }
  if (size.large) {
    say(
      `warning: simulate: about ${formatBytes(size.logBytes)} of log is more than ${formatBytes(LARGE_LOG_BYTES)}, ` +
        'which a laptop will not like; fewer --devices or --days or a longer --cadence keep it smaller ' +
        '(Ctrl-C stops cleanly, and running the same command again resumes)',
    );
  }
}

export function registerSimulate(program: Command): void {
  program
    .command('simulate')
    .description(
      'Simulate a plant of degrading devices and produce its telemetry and machine events to the log.\n\n' +
        'History mode (default) generates event time as fast as possible and is deterministic for a seed. ' +
        'It is idempotent: the same simulation into the same log is skipped, and a crashed run resumes where it stopped. ' +
        'Live mode paces readings by the wall clock. Ground truth (hidden health, failures, maintenance) goes to ' +
        '$LAMBDA_IOT_DATA_DIR/ground-truth/.',
    )
    .option('--devices <n>', 'number of devices (device_1..device_N)', positiveInt, DEFAULT_PLANT.devices)
    .option('--days <d>', 'history length in days (default 7)', positiveNumber)
    .option(
      '--from <time>',
      'history start, YYYY-MM-DD or ISO 8601 with Z (default 2025-04-01T00:00:00Z)',
      utcTimeText,
    )
    .option('--to <time>', 'history end (exclusive), instead of --days', utcTimeText)
    .option(
      '--seed <n>',
      'random seed; the same seed and options give identical messages',
      positiveInt,
      DEFAULT_PLANT.seed,
    )
    .addOption(
      new Option('--cadence <duration>', 'time between readings of one device in history mode (e.g. 60s, 5m)')
        .argParser(durationMs)
        .default(DEFAULT_CADENCE_MS, formatDuration(DEFAULT_CADENCE_MS)),
    )
    .addOption(
      new Option(
        '--profile <profile>',
        'degrading (hidden health model) or reference (the reference generator)',
      )
        .choices(PROFILES)
        .default('degrading'),
    )
    .option('--live', 'stream in real time instead of generating history')
    .option('--rate <r>', 'live mode: readings per second for the whole plant', positiveNumber, 10)
    .option('--duration <duration>', 'live mode: stop after this long (default: until Ctrl-C)', durationMs)
    .option(
      '--again',
      'history mode: produce even if this simulation already went into this log, or another plant (seed, profile, cadence, start) is in this data directory on the same dates',
    )
    .option('--json', 'print the summary as JSON on stdout')
    .addHelpText(
      'after',
      '\nExamples:\n  $ lambda-iot simulate --devices 5 --days 1 --seed 7\n' +
        '  $ lambda-iot simulate --from 2025-04-01 --to 2025-05-01 --devices 50\n' +
        '  $ lambda-iot simulate --profile reference --days 1\n' +
        '  $ lambda-iot simulate --live --rate 5 --duration 2m',
    )
    .action(async (options: SimulateCliOptions, command: Command) => {
      if (options.live) {
        refuseOptions(
          command,
          ['--days', '--from', '--to', '--cadence', '--again'],
          'with --live (they shape a history; live mode paces readings by the wall clock from now)',
        );
      } else refuseOptions(command, ['--rate', '--duration'], 'without --live');
      await withLog(async (log, config) => {
        const stop = stopSignal();
        try {
          if (options.live) await simulateLiveAction(log, config, options, stop.signal);
          else await simulateHistoryAction(log, config, options, stop.signal);
        } finally {
          stop.dispose();
        }
      });
    });
}

/** `simulate --live`: paces readings by the wall clock and prints what it streamed. */
async function simulateLiveAction(
  log: Log,
  config: Config,
  options: SimulateCliOptions,
  signal: AbortSignal,
): Promise<void> {
  // A terminal gets one line redrawn in place; a pipe or a log file a plain line every few seconds.
  const tty = process.stderr.isTTY === true;
  const due = intervalGate(PROGRESS_INTERVAL_MS, { immediately: true });
  const result = await simulateLive({
    log,
    config,
    devices: options.devices,
    seed: options.seed,
    ratePerSecond: options.rate,
    profile: options.profile,
    durationMs: options.duration,
    signal,
    onBatch: (totals, until) => {
      if (options.json || (!tty && !due())) return;
      const line = `live ${formatUtc(until)}: ${formatCount(totals.telemetry)} readings, ${formatCount(totals.events)} events`;
      if (tty) process.stderr.write(`\r${line}`);
      else say(line);
    },
  });
  if (options.json)
    return printJson({
      mode: 'live',
      ...result,
      fromMs: undefined,
      toMs: undefined,
      from: formatUtc(result.fromMs),
      to: formatUtc(result.toMs),
    });
  return writeOut(
    `\nStreamed ${formatCount(result.telemetry)} readings and ${formatCount(result.events)} events from ${options.devices} devices ` +
      `(${formatUtc(result.fromMs)} → ${formatUtc(result.toMs)}); ground truth in ${result.groundTruthDir}\n`,
  );
}

/** `simulate` (history mode): generates event time as fast as possible and prints what it produced. */
async function simulateHistoryAction(
  log: Log,
  config: Config,
  options: SimulateCliOptions,
  signal: AbortSignal,
): Promise<void> {
  const simulation = resolveHistory(options);
  announceSize(simulation, options.json);
  const progress = createProgress('simulate', { enabled: !options.json });
  const result = await simulateToLog({
    log,
    config,
    simulation,
    logTarget: describeLogTarget(config),
    again: options.again,
    signal,
    onWait: () => say('simulate: another simulation into this data directory is under way; waiting for it'),
    onProgress: (fraction, produced) =>
      progress.update(
        fraction,
        `${formatCount(produced.telemetry)} readings, ${formatCount(produced.events)} events`,
      ),
  });
  progress.stop();
  const m = result.manifest;
  if (options.json)
    return printJson({ mode: 'history', action: result.action, ...m, groundTruthDir: result.groundTruthDir });
  const span = `${formatUtc(simulation.fromMs)} → ${formatUtc(simulation.toMs)}`;
  if (result.action === 'skipped') {
    say(
      `This simulation is already in the log (run ${m.runId}); nothing produced. Use --again to produce a second copy.`,
    );
  }
  return writeOut(
    `${result.action === 'skipped' ? 'Already produced' : result.action === 'interrupted' ? 'Interrupted after' : 'Produced'} ` +
      `${formatCount(m.produced.telemetry)} readings and ${formatCount(m.produced.events)} events ` +
      `(${simulation.devices} devices, ${span}, seed ${simulation.seed}, ${simulation.profile}); ` +
      `${m.failures} failures. Ground truth: ${result.groundTruthDir}\n`,
  );
}
