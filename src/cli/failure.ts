import { CliError, ConfigError, KitError } from '../errors.js';

/** The causes of an error, outermost first (a cycle or a cause that repeats ends the chain). */
export function causeChain(error: unknown): unknown[] {
  const chain: unknown[] = [];
  const seen = new Set<unknown>([error]);
  let current = error instanceof Error ? error.cause : undefined;
  while (current !== undefined && !seen.has(current)) {
    chain.push(current);
    seen.add(current);
    current = current instanceof Error ? current.cause : undefined;
  }
  return chain;
}

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** A stack indented under its "caused by" line (the message line of the stack is dropped: it was printed). */
function stackOf(error: unknown, indent: string): string {
  if (!(error instanceof Error) || !error.stack) return '';
  const frames = error.stack.split('\n').filter((line) => /^\s+at /.test(line));
  return frames.map((f) => `${indent}${f.trim()}\n`).join('');
}

/**
 * What the CLI prints for a failed command, and its exit code: `lambda-iot: <message>`, then one
 * `  caused by: <message>` line per cause in the chain (a cause repeating the line above is left out); with `debug` each is followed by its stack.
 * CliError exits with its code, ConfigError with 2, any other error (a KitError or an unexpected one) with 1.
 */
export function describeFailure(error: unknown, debug: boolean): { text: string; exitCode: number } {
  const unexpected = !(error instanceof KitError);
  let text = `lambda-iot: ${unexpected ? 'unexpected error: ' : ''}${messageOf(error)}\n`;
  if (debug) text += stackOf(error, '    ');
  let above = messageOf(error);
  for (const cause of causeChain(error)) {
    // A wrapper that repeats its cause's message (CliError(error.message, { cause: error })) adds no line.
    if (messageOf(cause) === above) continue;
    above = messageOf(cause);
    text += `  caused by: ${above}\n`;
    if (debug) text += stackOf(cause, '    ');
  }
  if (error instanceof ConfigError) text += '(see lambda-iot --help for every variable)\n';
  else if (unexpected && !debug) text += '(rerun with --debug for details)\n';
  const exitCode = error instanceof CliError ? error.exitCode : error instanceof ConfigError ? 2 : 1;
  return { text, exitCode };
}
