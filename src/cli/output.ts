import cliProgress from 'cli-progress';

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

/**
 * A progress bar on stderr when it is a terminal (and not in --json mode); silent otherwise, so logs
 * and pipes stay clean.
 */
export function createProgress(label: string, enabled = process.stderr.isTTY === true): Progress {
  if (!enabled) return { update: () => undefined, stop: () => undefined };
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
