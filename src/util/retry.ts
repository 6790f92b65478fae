import { KitError } from '../errors.js';

/** How often and how patiently to retry (LAMBDA_IOT_RETRY_ATTEMPTS, LAMBDA_IOT_RETRY_BASE_MS). */
export interface RetryPolicy {
  /** Total attempts, the first included (1 = no retry). Default 4. */
  attempts: number;
  /** Delay before the first retry in ms; each later one doubles it, with full jitter. Default 200. */
  baseMs: number;
  /** Longest single delay in ms. Default 10000. */
  maxDelayMs?: number;
}

export interface RetryEffects {
  /** Waits `ms` (tests pass a fake clock). Default setTimeout. */
  sleep?: (ms: number) => Promise<void>;
  /** Uniform random in [0, 1) for the jitter. Default Math.random. */
  random?: () => number;
  /** Called before each retry with the error that caused it and the delay chosen. */
  onRetry?: (error: unknown, attempt: number, delayMs: number) => void;
  /** Stops waiting and retrying when aborted. */
  signal?: AbortSignal;
  /** Which errors to retry. Default isRetriable (KitError.retriable). */
  retryIf?: (error: unknown) => boolean;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { attempts: 4, baseMs: 200, maxDelayMs: 10_000 };

/** Whether an error says that the same call may succeed later (KitError.retriable; unknown errors: no). */
export function isRetriable(error: unknown): boolean {
  return error instanceof KitError && error.retriable;
}

/** The retries ran out: `cause` is the last error, `attempts` how many calls were made. */
export class RetriesExhaustedError extends KitError {
  readonly attempts: number;
  constructor(what: string, attempts: number, cause: unknown) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    super(`${what} failed after ${attempts} attempts: ${reason}`, { cause, context: { attempts } });
    this.attempts = attempts;
  }
}

/** The delay before retry number `retry` (1-based): uniform in [0, min(max, base · 2^(retry−1))] ("full jitter"). */
export function backoffDelayMs(
  policy: RetryPolicy,
  retry: number,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(policy.maxDelayMs ?? 10_000, policy.baseMs * 2 ** (retry - 1));
  return Math.round(random() * ceiling);
}

const defaultSleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        resolve();
      },
      { once: true },
    );
  });

/**
 * Calls `fn` until it succeeds, retrying only errors marked retriable, with exponential backoff and full
 * jitter. A non-retriable error is thrown as is after one attempt; when the attempts run out the last
 * error is thrown wrapped in RetriesExhaustedError (its `cause`).
 * @example const table = await withRetry('nessie GET table', policy, () => fetchTable(ref, name));
 */
export async function withRetry<T>(
  what: string,
  policy: RetryPolicy,
  fn: (attempt: number) => Promise<T>,
  effects: RetryEffects = {},
): Promise<T> {
  const attempts = Math.max(1, Math.floor(policy.attempts));
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (error) {
      if (!(effects.retryIf ?? isRetriable)(error)) throw error;
      if (attempt >= attempts || effects.signal?.aborted) {
        throw attempts === 1 ? error : new RetriesExhaustedError(what, attempt, error);
      }
      const delayMs = backoffDelayMs(policy, attempt, effects.random);
      effects.onRetry?.(error, attempt, delayMs);
      await (effects.sleep ?? ((ms) => defaultSleep(ms, effects.signal)))(delayMs);
    }
  }
}

/** The retry policy the configuration sets. */
export function retryPolicyOf(config: { retryAttempts: number; retryBaseMs: number }): RetryPolicy {
  return { attempts: config.retryAttempts, baseMs: config.retryBaseMs, maxDelayMs: 10_000 };
}
