import cliProgress from 'cli-progress';
import { intervalGate, PROGRESS_INTERVAL_MS } from '../util/throttle.js';

/** Writes text to stdout and resolves once the stream accepted it (so a commit can safely follow). */
export function writeOut(text: string): Promise<void> {
  return new Promise((resolve, reject) => {
    process.stdout.write(text, (error) => (error ? reject(error) : resolve()));
  });
}

/** Prints a value as pretty JSON on stdout. */
export function printJson(value: unknown): Promise<void> {
  return writeOut(`${JSON.stringify(value, null, 2)}\n`);
}

export interface Progress {
  update(fraction: number, detail?: string): void;
  stop(): void;
}

export interface ProgressOptions {
  /** Off in --json mode. Default true. */
  enabled?: boolean;
  /** A bar redrawn in place when stderr is a terminal; otherwise plain lines. Default process.stderr.isTTY. */
  tty?: boolean;
  /** Plain lines: at most one per interval (the first at once). Default PROGRESS_INTERVAL_MS, as land and stream. */
  intervalMs?: number;
  /** Plain lines: the clock (tests pass a fake one). Default Date.now. */
  now?: () => number;
  /** Plain lines: where a line goes. Default say (stderr). */
  write?: (line: string) => void;
}

/**
 * Progress on stderr: a bar when stderr is a terminal, else a plain line such as
 * `simulate 42% | 24,000 readings, 12 events` every few seconds (the interval land and stream report at),
 * so a log file or CI shows that long work advances. Silent when disabled (--json).
 * @example const progress = createProgress('simulate', { enabled: !options.json });
 */
export function createProgress(label: string, options: ProgressOptions = {}): Progress {
  if (options.enabled === false) return { update: () => undefined, stop: () => undefined };
  if (!(options.tty ?? process.stderr.isTTY === true)) {
    const due = intervalGate(options.intervalMs ?? PROGRESS_INTERVAL_MS, {
      immediately: true,
      now: options.now,
    });
    const write = options.write ?? say;
    return {
      update: (fraction, detail = '') => {
        if (!due()) return;
        const percent = Math.floor(Math.min(1, Math.max(0, fraction)) * 100);
        write(`${label} ${percent}%${detail ? ` | ${detail}` : ''}`);
      },
      stop: () => undefined,
    };
  }
  const bar = new cliProgress.SingleBar(
    {
      format: `${label} [{bar}] {percentage}% | {detail}`,
      stream: process.stderr,
      hideCursor: true,
      clearOnComplete: true,
    },
    cliProgress.Presets.shades_classic,
  );
  bar.start(1000, 0, { detail: '' });
  return {
    update: (fraction, detail = '') =>
      bar.update(Math.round(Math.min(1, Math.max(0, fraction)) * 1000), { detail }),
    stop: () => bar.stop(),
  };
}

/** Prints a human status line on stderr (kept off stdout so --json output stays pure). */
export function say(text: string): void {
  process.stderr.write(`${text}\n`);
}

/** An AbortSignal that fires on SIGINT/SIGTERM; the second signal exits at once. */
export function stopSignal(): { signal: AbortSignal; dispose: () => void } {
  const controller = new AbortController();
  const onSignal = (name: NodeJS.Signals) => {
    if (controller.signal.aborted) process.exit(130);
    say(`${name} received: finishing the current batch, then stopping`);
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    signal: controller.signal,
    dispose: () => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}

/** Runs `fn` with a stopSignal (SIGINT/SIGTERM) and removes the handlers after it. */
export async function withStopSignal<T>(fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const stop = stopSignal();
  try {
    return await fn(stop.signal);
  } finally {
    stop.dispose();
  }
}
