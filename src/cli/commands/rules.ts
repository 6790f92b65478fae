import { type Command, InvalidArgumentError, Option } from 'commander';
import { CliError, InvalidArgumentError as KitInvalidArgumentError } from '../../errors.js';
import { METRICS, type Metric } from '../../schema/telemetry.js';
import { loadRuleSet, type RuleSet, referenceRules, saveRuleSet } from '../../speed/ruleSet.js';
import {
  describeRecommendation,
  formatPrecursorReport,
  formatRuleSet,
  formatSweepTable,
} from '../../speed/tuning/format.js';
import type { HistorySource, TimeRange } from '../../speed/tuning/historySource.js';
import { historyFromLake } from '../../speed/tuning/lakeHistory.js';
import { reportPrecursors } from '../../speed/tuning/precursorReport.js';
import { historyFromLog } from '../../speed/tuning/replay.js';
import { sweepThreshold, withThreshold } from '../../speed/tuning/sweep.js';
import { parseThresholdRange, type ThresholdRange } from '../../speed/tuning/thresholdRange.js';
import { DAY_MS, formatUtc, parseUtcOption } from '../../time/utcTime.js';
import { formatCount } from '../../util/format.js';
import { withLog, withStore } from '../context.js';
import { durationMs, ruleSetFile, utcTimeText } from '../options.js';
import { printJson, say, stopSignal, writeOut } from '../output.js';

/** Where history is replayed from: the log's topics, or the raw Parquet files the landing sink wrote. */
export const HISTORY_SOURCES = ['log', 'lake'] as const;
type HistorySourceName = (typeof HISTORY_SOURCES)[number];

interface ReplayCliOptions {
  horizon: number;
  from?: string;
  to?: string;
  source: HistorySourceName;
  json?: boolean;
}

interface TuneCliOptions extends ReplayCliOptions {
  metric: Metric;
  range: ThresholdRange;
  budget?: number;
  rules?: string;
  save?: string;
}

function parseRange(value: string): ThresholdRange {
  try {
    return parseThresholdRange(value, '--range');
  } catch (error) {
    // Commander prints "option '--range <lo:hi:step>' argument '…' is invalid." before this reason.
    throw new InvalidArgumentError((error as Error).message);
  }
}

function parseBudget(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < 0) {
    throw new InvalidArgumentError('expected alerts per device-day, a number ≥ 0 (e.g. 0.1)');
  }
  return n;
}

/** The --from/--to range; errors exit 2 and name the option. */
function resolveRange(command: string, options: ReplayCliOptions): TimeRange {
  try {
    const range: TimeRange = {
      fromMs: options.from === undefined ? undefined : parseUtcOption(options.from, '--from'),
      toMs: options.to === undefined ? undefined : parseUtcOption(options.to, '--to'),
    };
    if (range.fromMs !== undefined && range.toMs !== undefined && range.toMs <= range.fromMs) {
      throw new KitInvalidArgumentError(
        `option --to (${formatUtc(range.toMs)}) must be after --from (${formatUtc(range.fromMs)})`,
      );
    }
    return range;
  } catch (error) {
    if (error instanceof KitInvalidArgumentError)
      throw new CliError(`${command}: ${error.message}`, { exitCode: 2 });
    throw error;
  }
}

function loadBaseRules(file: string | undefined): RuleSet {
  if (file === undefined) return referenceRules();
  try {
    return loadRuleSet(file);
  } catch (error) {
    if (error instanceof KitInvalidArgumentError)
      throw new CliError(error.message, { exitCode: 2, cause: error });
    throw error;
  }
}

/** Opens the chosen history source and runs fn on it (the log is closed afterwards). */
async function withHistory<T>(
  options: ReplayCliOptions,
  range: TimeRange,
  fn: (source: HistorySource) => Promise<T>,
): Promise<T> {
  if (!options.json) say(`replaying telemetry and events from the ${options.source} …`);
  if (options.source === 'lake')
    return withStore((store, config) => fn(historyFromLake(store, config, range)), 'read');
  return withLog(async (log, config) => {
    const stop = stopSignal();
    try {
      return await fn(historyFromLog(log, config, { ...range, signal: stop.signal }));
    } finally {
      stop.dispose();
    }
  }, 'read');
}

function requireTelemetry(command: string, source: HistorySource): void {
  if (source.stats.telemetry > 0) return;
  const invalid =
    source.stats.invalid > 0 ? ` (${formatCount(source.stats.invalid)} invalid messages skipped)` : '';
  throw new CliError(
    `${command}: no telemetry to replay in ${source.label}${invalid}; ` +
      (source.label.startsWith('lake')
        ? 'land the log first with: lambda-iot land --until-idle'
        : 'produce some with: lambda-iot simulate'),
  );
}

function addReplayOptions(command: Command, horizon: string): Command {
  return command
    .addOption(new Option('--horizon <duration>', horizon).argParser(durationMs).default(DAY_MS, '24h'))
    .option(
      '--from <time>',
      'replay from this event time on, YYYY-MM-DD or ISO 8601 with Z (default: all)',
      utcTimeText,
    )
    .option('--to <time>', 'replay up to this event time, exclusive (default: all)', utcTimeText)
    .addOption(
      new Option('--source <source>', 'where to replay history from').choices(HISTORY_SOURCES).default('log'),
    )
    .option('--json', 'print only JSON on stdout');
}

async function runTune(options: TuneCliOptions): Promise<void> {
  const range = resolveRange('rules tune', options);
  const baseRules = loadBaseRules(options.rules);
  await withHistory(options, range, async (source) => {
    const result = await sweepThreshold({
      source,
      metric: options.metric,
      from: options.range.lo,
      to: options.range.hi,
      step: options.range.step,
      horizonMs: options.horizon,
      baseRules,
      budget: options.budget,
    });
    requireTelemetry('rules tune', source);
    if (options.save !== undefined) {
      if (result.recommended === null) {
        throw new CliError(
          `rules tune --save: nothing saved, no threshold within budget (${describeRecommendation(result)})`,
        );
      }
      const tuned = withThreshold(baseRules, options.metric, result.recommended.threshold);
      const name = baseRules.name.endsWith('-tuned') ? baseRules.name : `${baseRules.name}-tuned`;
      saveRuleSet(options.save, { ...tuned, name });
      if (!options.json)
        say(
          `saved the rule set with ${options.metric} threshold ${result.recommended.threshold} to ${options.save}`,
        );
    }
    if (options.json) return printJson(result.rows);
    const r = result.replay;
    const hours = options.horizon / 3_600_000;
    return writeOut(
      `${result.anomaly_type} on ${result.source}: ${formatCount(r.telemetry)} readings, ` +
        `${result.rows[0]?.failures ?? 0} failures, ${formatCount(result.rows[0]?.device_days ?? 0)} device-days` +
        `${r.invalid > 0 ? `, ${formatCount(r.invalid)} invalid skipped` : ''}; horizon ${hours} h; ` +
        'an alert is the first anomaly of a device after ≥ 1 h without one\n\n' +
        `${formatSweepTable(result)}\n${describeRecommendation(result)}\n`,
    );
  });
}

async function runPrecursors(options: ReplayCliOptions): Promise<void> {
  const range = resolveRange('rules precursors', options);
  await withHistory(options, range, async (source) => {
    const report = await reportPrecursors(source, { horizonMs: options.horizon });
    requireTelemetry('rules precursors', source);
    if (options.json) return printJson(report);
    return writeOut(formatPrecursorReport(report));
  });
}

/** Registers `lambda-iot rules` with its subcommands show, tune and precursors. */
export function registerRules(program: Command): void {
  const rules = program
    .command('rules')
    .description(
      'Show the speed-layer rule set, tune a threshold on replayed history, and measure which excursions precede failures.\n\n' +
        'Tuning and precursors replay the telemetry and machine events in the log (from the beginning to the end offsets ' +
        'seen at start, without a consumer group: nothing is committed), or with --source lake the raw Parquet files ' +
        'that `lambda-iot land` wrote (one event date at a time). An alert is an episode: the first anomaly of a ' +
        '(device, anomaly_type) after at least 1 h without one.',
    )
    .addHelpText(
      'after',
      '\nExamples:\n  $ lambda-iot rules show\n  $ lambda-iot rules tune --metric vibration --range 2:4:0.25\n' +
        '  $ lambda-iot rules precursors --horizon 12h',
    );

  rules
    .command('show')
    .summary('print the rule set (the reference rules by default)')
    .description('Print a rule set: the reference rules, or a JSON rule set file given with --rules.')
    .option('--rules <file>', 'a JSON rule set file (default: the reference rules)', ruleSetFile)
    .option('--json', 'print the rule set as JSON (loadable with --rules)')
    .addHelpText(
      'after',
      '\nExamples:\n  $ lambda-iot rules show\n  $ lambda-iot rules show --json > my-rules.json\n' +
        '  $ lambda-iot rules show --rules tuned.json',
    )
    .action(async (options: { rules?: string; json?: boolean }) => {
      const set = loadBaseRules(options.rules);
      if (options.json) return printJson(set);
      return writeOut(formatRuleSet(set));
    });

  addReplayOptions(
    rules
      .command('tune')
      .summary('sweep one rule threshold over replayed history and recommend one')
      .description(
        "Replay history once and score every threshold of --range for the metric's rule (alerts from that rule alone): " +
          'precision = alerts followed by a failure of the device within the horizon; recall = failures preceded by an ' +
          'alert within the horizon; median lead time; alerts per device-day.\n\n' +
          'Recommendation: among thresholds within the alert budget, the best recall (ties: higher precision, then ' +
          'fewer alerts). Default budget: no more alerts than the reference threshold on the same history (when it is ' +
          "in the range). With --budget N a threshold fits when its rate's one-sided 95 % upper bound (devices as " +
          'independent clusters) is at most N, so the budget holds beyond the replayed sample.',
      )
      .addOption(
        new Option('--metric <metric>', 'the metric whose rule to tune')
          .choices(METRICS)
          .makeOptionMandatory(),
      )
      .requiredOption(
        '--range <lo:hi:step>',
        'thresholds to score, e.g. 2:4:0.25 (LO ≤ HI, STEP > 0)',
        parseRange,
      )
      .option(
        '--budget <n>',
        "alert budget in alerts per device-day (default: the reference threshold's rate)",
        parseBudget,
      )
      .option('--rules <file>', 'tune this JSON rule set instead of the reference rules', ruleSetFile)
      .option('--save <file>', 'write the rule set with the recommended threshold as a JSON rule set'),
    'horizon H: how long before a failure an alert counts (e.g. 12h, 2d)',
  )
    .addHelpText(
      'after',
      '\nExamples:\n  $ lambda-iot rules tune --metric vibration --range 2:4:0.25\n' +
        '  $ lambda-iot rules tune --metric temperature --range 26:34:0.5 --horizon 24h --budget 0.1 --save tuned.json\n' +
        '  $ lambda-iot rules tune --metric signal_strength --range 10:50:5 --from 2025-04-08 --json',
    )
    .action(runTune);

  addReplayOptions(
    rules
      .command('precursors')
      .summary('how much more often excursions precede failures than random windows')
      .description(
        'Replay history and report, per metric, the share of failures with an excursion (a reading beyond the ' +
          'reference threshold: temperature > 28, vibration > 3.0, energy_usage > 4.5, signal_strength < 30) in the ' +
          'horizon before them, the share of random device windows of the same length holding one (base rate), and ' +
          'their ratio (lift).',
      ),
    'horizon H: the window before each failure searched for excursions (e.g. 12h, 2d)',
  )
    .addHelpText(
      'after',
      '\nExamples:\n  $ lambda-iot rules precursors\n  $ lambda-iot rules precursors --horizon 12h --json | jq ".rows[] | .sentence"',
    )
    .action(runPrecursors);
}
