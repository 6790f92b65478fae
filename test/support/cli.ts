import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { tempDir } from './tempDirs.js';

export const ROOT = path.resolve(__dirname, '..', '..');
export const BIN = path.join(ROOT, 'bin', 'lambda-iot.js');

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** A fresh temporary data directory, removed after the test file (tempDirs.ts). */
export function tempDataDir(label = 'data'): string {
  return tempDir(`lambda-iot-${label}-`);
}

/** Environment for a CLI run: the test's variables on top of this process's, TZ kept as given. */
export function cliEnv(extra: Record<string, string | undefined>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...extra };
  for (const [k, v] of Object.entries(extra)) if (v === undefined) delete env[k];
  return env;
}

/** Runs `lambda-iot args…` to completion. */
export function runCli(
  args: string[],
  env: Record<string, string | undefined>,
  timeoutMs = 120_000,
): Promise<CliResult> {
  return runCliVia([], args, env, timeoutMs);
}

/**
 * Runs `lambda-iot args…` to completion under a wrapper command, e.g. `['setpriv', '--reuid=65534', …]`
 * (the wrapper's words come first, then node, the CLI and its arguments).
 */
export function runCliVia(
  wrapper: string[],
  args: string[],
  env: Record<string, string | undefined>,
  timeoutMs = 120_000,
): Promise<CliResult> {
  const argv = [...wrapper, process.execPath, BIN, ...args];
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0]!, argv.slice(1), { env: cliEnv(env), cwd: ROOT });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => {
      stdout += c;
    });
    child.stderr.on('data', (c) => {
      stderr += c;
    });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`lambda-iot ${args.join(' ')} timed out; stderr: ${stderr.slice(-2000)}`));
    }, timeoutMs);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/** A running CLI process whose output lines are collected as they arrive. */
export interface RunningCli {
  child: ChildProcess;
  lines: string[];
  stderr: () => string;
  /** Resolves when at least n stdout lines arrived (rejects after timeoutMs). */
  waitForLines(n: number, timeoutMs?: number): Promise<void>;
  /** Resolves with the exit once the process ended. */
  exited: Promise<CliResult>;
}

export function startCli(args: string[], env: Record<string, string | undefined>): RunningCli {
  const child = spawn(process.execPath, [BIN, ...args], { env: cliEnv(env), cwd: ROOT });
  const lines: string[] = [];
  let partial = '';
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    stdout += chunk;
    partial += chunk;
    const parts = partial.split('\n');
    partial = parts.pop()!;
    lines.push(...parts.filter((l) => l.length > 0));
  });
  child.stderr!.on('data', (c) => {
    stderr += c;
  });
  const exited = new Promise<CliResult>((resolve) => {
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  return {
    child,
    lines,
    stderr: () => stderr,
    exited,
    async waitForLines(n, timeoutMs = 60_000) {
      const deadline = Date.now() + timeoutMs;
      while (lines.length < n) {
        if (Date.now() > deadline)
          throw new Error(`waited for ${n} lines, got ${lines.length}; stderr: ${stderr.slice(-2000)}`);
        if (child.exitCode !== null || child.signalCode !== null) {
          throw new Error(
            `process ended (${child.exitCode ?? child.signalCode}) after ${lines.length} lines; stderr: ${stderr.slice(-2000)}`,
          );
        }
        await new Promise((r) => setTimeout(r, 50));
      }
    },
  };
}
