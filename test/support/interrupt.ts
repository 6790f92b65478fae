import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'vitest';
import { type CliResult, type RunningCli, startCli } from './cli.js';

/** How long a signal test waits for a condition before it fails (a ceiling, not a timing assumption). */
const CEILING_MS = 60_000;

export async function waitFor(what: string, condition: () => boolean, cli?: RunningCli): Promise<void> {
  const deadline = Date.now() + CEILING_MS;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`waited for ${what}; stderr: ${cli?.stderr().slice(-2000)}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Whether a signal is still pending for the process (not yet delivered to its handler), from /proc. */
function pending(pid: number, signal: number): boolean {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const bit = 1n << BigInt(signal - 1);
  return ['SigPnd', 'ShdPnd'].some((name) => {
    const hex = new RegExp(`^${name}:\\s*([0-9a-f]+)$`, 'm').exec(status)?.[1] ?? '0';
    return (BigInt(`0x${hex}`) & bit) !== 0n;
  });
}

/**
 * Starts the CLI paused at `point`, sends `signals` SIGINTs (each delivered before the next), lets it go on
 * and returns how it ended (within the ceiling).
 */
export async function interruptAt(
  args: string[],
  dataDir: string,
  point: string,
  signals = 1,
): Promise<CliResult> {
  const go = path.join(dataDir, `go-${point.replace(/\W/g, '_')}`);
  const cli = startCli(args, {
    LAMBDA_IOT_DATA_DIR: dataDir,
    LAMBDA_IOT_BUS: 'embedded',
    LAMBDA_IOT_TEST_PAUSE_AT: point,
    LAMBDA_IOT_TEST_PAUSE_UNTIL: go,
  });
  let ended = false;
  void cli.exited.then(() => {
    ended = true;
  });
  await waitFor(
    `"test hook paused: ${point}"`,
    () => ended || cli.stderr().includes(`test hook paused: ${point}`),
    cli,
  );
  expect(ended, cli.stderr()).toBe(false);
  const pid = cli.child.pid!;
  for (let i = 0; i < signals; i++) {
    process.kill(pid, 'SIGINT');
    await waitFor('the SIGINT delivered', () => !pending(pid, 2), cli);
  }
  fs.writeFileSync(go, '');
  await waitFor('the process to exit', () => ended, cli);
  return cli.exited;
}
