import fs from 'node:fs';
import path from 'node:path';
import { Command, CommanderError } from 'commander';
import { showKafkaDiagnostics } from '../bus/kafka/diagnostics.js';
import { formatSettingsHelp } from '../config/config.js';
import { InterruptedError } from '../errors.js';
import { findProjectRoot } from '../util/projectRoot.js';
import { describeFailure } from './failure.js';

/** Registers one command (its options, help and action) on the program. */
type Register = (program: Command) => void;

interface CommandEntry {
  name: string;
  /** One line for `lambda-iot --help`. */
  summary: string;
  /** Loads the command's module; only the command being run is loaded, so `--help` loads no native package. */
  load: () => Promise<Register>;
}

/** Every command, in the order `--help` lists them. */
export const COMMANDS: readonly CommandEntry[] = [
  {
    name: 'run',
    summary: 'run the whole pipeline and print a summary (what `npm start` runs)',
    load: async () => (await import('./commands/run.js')).registerRun,
  },
  {
    name: 'simulate',
    summary: 'simulate a plant and produce its telemetry and machine events to the log',
    load: async () => (await import('./commands/simulate.js')).registerSimulate,
  },
  {
    name: 'stream',
    summary: 'run the speed layer: telemetry → rules → anomalies',
    load: async () => (await import('./commands/stream.js')).registerStream,
  },
  {
    name: 'topics',
    summary: 'list topics, end offsets and consumer-group lag',
    load: async () => (await import('./commands/topics.js')).registerTopics,
  },
  {
    name: 'tail',
    summary: 'print the messages of a topic, validated against its contract',
    load: async () => (await import('./commands/tail.js')).registerTail,
  },
  {
    name: 'rules',
    summary: 'show and tune the speed-layer rules on replayed history, and measure precursors',
    load: async () => (await import('./commands/rules.js')).registerRules,
  },
  {
    name: 'land',
    summary: 'land the log into the lake: telemetry and events → typed Parquet in object storage',
    load: async () => (await import('./commands/land.js')).registerLand,
  },
  {
    name: 'lake',
    summary: 'look into the lake (object store): what landed where',
    load: async () => (await import('./commands/lake.js')).registerLake,
  },
  {
    name: 'batch',
    summary: 'build silver and Gold from the lake, audit, publish atomically (Write-Audit-Publish)',
    load: async () => (await import('./commands/batch.js')).registerBatch,
  },
  {
    name: 'model',
    summary: 'the failure model: train it on the lake, evaluate it against the reference score, show it',
    load: async () => (await import('./commands/model.js')).registerModel,
  },
  {
    name: 'serve',
    summary:
      'run the serving layer: ingest anomalies and real-time rows, attach Gold, refresh the merged views',
    load: async () => (await import('./commands/serve.js')).registerServe,
  },
  {
    name: 'views',
    summary: 'refresh the serving views (anomaly_rollup, unified_device_health)',
    load: async () => (await import('./commands/views.js')).registerViews,
  },
  {
    name: 'sql',
    summary: 'query the serving layer with one read-only SQL statement',
    load: async () => (await import('./commands/sql.js')).registerSql,
  },
  {
    name: 'dashboard',
    summary: 'serve the operations dashboard (or --export a self-contained HTML file)',
    load: async () => (await import('./commands/dashboard.js')).registerDashboard,
  },
  {
    name: 'catalog',
    summary: 'branches and commits of the table catalog (Nessie semantics)',
    load: async () => (await import('./commands/catalog.js')).registerCatalog,
  },
  {
    name: 'table',
    summary: 'Iceberg tables in the catalog: list, history, scan',
    load: async () => (await import('./commands/table.js')).registerTable,
  },
];

/** Commander errors that mean the command line itself is wrong: exit code 2. */
const USAGE_ERRORS = new Set([
  'commander.invalidArgument',
  'commander.optionMissingArgument',
  'commander.missingMandatoryOptionValue',
  'commander.missingArgument',
  'commander.unknownOption',
  'commander.unknownCommand',
  'commander.excessArguments',
]);

/** The kit's version from its package.json (found from the running command's folder), or "unknown". */
function kitVersion(): string {
  try {
    const root = findProjectRoot(path.dirname(process.argv[1] ?? '.'));
    const json = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as {
      version?: unknown;
    };
    return typeof json.version === 'string' ? json.version : 'unknown';
  } catch {
    return 'unknown';
  }
}

/** Whether commander printed an error during this process (set by the program's outputError). */
let commanderPrinted = false;

/**
 * Builds the `lambda-iot` command tree. Commands whose module is in `loaded` are complete; the others
 * are listed with their summary only (enough for `lambda-iot --help`).
 */
export function buildProgram(loaded: ReadonlyMap<string, Register> = new Map()): Command {
  const program = new Command('lambda-iot')
    .description(
      'Run and explore a Lambda-architecture pipeline for industrial IoT monitoring: simulate a plant → log ' +
        '(embedded SQLite or Kafka) → speed layer → lake → Gold tables → serving. Every command reads its ' +
        'settings from the environment variables listed below.',
    )
    .version(kitVersion(), '--version', 'print the version')
    .option('--debug', 'print the stack of a failure and of each of its causes')
    .configureOutput({
      outputError: (text, write) => {
        commanderPrinted = true;
        write(text);
      },
    })
    .showHelpAfterError('(add --help for usage)')
    .addHelpText('after', `\n${formatSettingsHelp()}\n`);
  for (const entry of COMMANDS) {
    const register = loaded.get(entry.name);
    if (register) {
      register(program);
      program.commands.find((c) => c.name() === entry.name)!.summary(entry.summary);
    } else {
      program.command(entry.name).summary(entry.summary).description(entry.summary);
    }
  }
  const exitOverride = (command: Command) => {
    command.exitOverride();
    for (const sub of command.commands) exitOverride(sub);
  };
  exitOverride(program);
  return program;
}

/** The command an argv asks for (`lambda-iot [--debug] [help] <command> …`), if it names one. */
function requestedCommand(argv: readonly string[]): CommandEntry | undefined {
  const words = argv.slice(2).filter((a) => !a.startsWith('-'));
  const name = words[0] === 'help' ? words[1] : words[0];
  return COMMANDS.find((c) => c.name === name);
}

/**
 * Parses argv and runs the command. A failure prints its message and its cause chain (describeFailure;
 * stacks with --debug) and returns its exit code: CliError its own, ConfigError 2, anything else 1.
 */
export async function runCli(argv: string[]): Promise<number> {
  const debug = argv.includes('--debug');
  // kafkajs's connection retries and warnings are noise unless diagnosing: a failure still ends in one line.
  showKafkaDiagnostics(debug);
  const entry = requestedCommand(argv);
  const program = buildProgram(entry ? new Map([[entry.name, await entry.load()]]) : new Map());
  commanderPrinted = false;
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Commander prints what it detects while parsing; one thrown from a command's action (an option
      // checked there) was not printed yet. Usage errors ("you typed it wrong") exit 2.
      if (!commanderPrinted && USAGE_ERRORS.has(error.code))
        process.stderr.write(`error: ${error.message}\n`);
      return USAGE_ERRORS.has(error.code) ? 2 : error.exitCode;
    }
    if (error instanceof InterruptedError) {
      // Stopped on SIGINT/SIGTERM after committing what it finished: a normal end.
      process.stderr.write(`${error.message}\n`);
      return 0;
    }
    const { text, exitCode } = describeFailure(error, debug);
    process.stderr.write(text);
    return exitCode;
  }
}
