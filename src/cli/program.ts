import { Command, CommanderError } from 'commander';
import { formatSettingsHelp } from '../config/config.js';
import { CliError, ConfigError, KitError } from '../errors.js';
import { registerBatch } from './commands/batch.js';
import { registerCatalog } from './commands/catalog.js';
import { registerLake } from './commands/lake.js';
import { registerLand } from './commands/land.js';
import { registerRules } from './commands/rules.js';
import { registerRun } from './commands/run.js';
import { registerSimulate } from './commands/simulate.js';
import { registerStream } from './commands/stream.js';
import { registerTable } from './commands/table.js';
import { registerTail } from './commands/tail.js';
import { registerTopics } from './commands/topics.js';

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

/** Builds the `lambda-iot` command tree. */
export function buildProgram(): Command {
  const program = new Command('lambda-iot')
    .description(
      'Run and explore a Lambda-architecture pipeline for industrial IoT monitoring: simulate a plant → log ' +
        '(embedded SQLite or Kafka) → speed layer → lake → Gold tables → serving. Every command reads its ' +
        'settings from the environment variables listed below.',
    )
    .option('--debug', 'print stack traces of unexpected errors')
    .showHelpAfterError('(add --help for usage)')
    .addHelpText('after', `\n${formatSettingsHelp()}\n`)
    .exitOverride();
  registerRun(program);
  registerSimulate(program);
  registerStream(program);
  registerTopics(program);
  registerTail(program);
  registerRules(program);
  registerLand(program);
  registerLake(program);
  registerBatch(program);
  registerCatalog(program);
  registerTable(program);
  const exitOverride = (command: Command) => {
    command.exitOverride();
    for (const sub of command.commands) exitOverride(sub);
  };
  exitOverride(program);
  return program;
}

/**
 * Parses argv and runs the command. Known failures (CliError, ConfigError, other KitErrors) print one
 * line and return their exit code; anything else prints "unexpected error" (stack with --debug).
 */
export async function runCli(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      // commander already printed the message; usage errors ("you typed it wrong") exit 2.
      return USAGE_ERRORS.has(error.code) ? 2 : error.exitCode;
    }
    const debug = argv.includes('--debug');
    if (error instanceof CliError) {
      process.stderr.write(`lambda-iot: ${error.message}\n`);
      return error.exitCode;
    }
    if (error instanceof ConfigError) {
      process.stderr.write(`lambda-iot: ${error.message}\n(see lambda-iot --help for every variable)\n`);
      return 2;
    }
    if (error instanceof KitError) {
      process.stderr.write(`lambda-iot: ${error.message}\n`);
      if (debug) process.stderr.write(`${error.stack}\n`);
      return 1;
    }
    process.stderr.write(
      debug
        ? `lambda-iot: unexpected error: ${error instanceof Error ? error.stack : String(error)}\n`
        : `lambda-iot: unexpected error: ${error instanceof Error ? error.message : String(error)} (rerun with --debug for details)\n`,
    );
    return 70;
  }
}
