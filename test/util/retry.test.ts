import { describe, expect, it } from 'vitest';
import { CatalogConflictError, InvalidArgumentError, KitError } from '../../src/errors.js';
import { backoffDelayMs, RetriesExhaustedError, withRetry } from '../../src/util/retry.js';

const policy = { attempts: 4, baseMs: 100, maxDelayMs: 1000 };
const noSleep = { sleep: async () => undefined, random: () => 1 };

describe('withRetry', () => {
  it('retries a retriable error until it succeeds, waiting with doubling backoff', async () => {
    const delays: number[] = [];
    let calls = 0;
    const result = await withRetry(
      'op',
      policy,
      async () => {
        calls++;
        if (calls < 3) throw new KitError('transient', { retriable: true });
        return 'ok';
      },
      { ...noSleep, onRetry: (_e, _a, ms) => delays.push(ms) },
    );
    expect(result).toBe('ok');
    expect(calls).toBe(3);
    expect(delays).toEqual([100, 200]);
  });

  it('makes exactly one attempt for an error that is not retriable (unknown errors included)', async () => {
    for (const error of [new InvalidArgumentError('bad'), new Error('bug')]) {
      let calls = 0;
      await expect(
        withRetry(
          'op',
          policy,
          async () => {
            calls++;
            throw error;
          },
          noSleep,
        ),
      ).rejects.toBe(error);
      expect(calls).toBe(1);
    }
  });

  it('wraps the last error with its cause when the attempts run out', async () => {
    let calls = 0;
    const last = new CatalogConflictError('changed on main', ['iot.t']);
    const error = await withRetry(
      'publish',
      policy,
      async () => {
        calls++;
        throw last;
      },
      noSleep,
    ).catch((e) => e);
    expect(calls).toBe(4);
    expect(error).toBeInstanceOf(RetriesExhaustedError);
    expect(error.message).toBe('publish failed after 4 attempts: changed on main');
    expect(error.cause).toBe(last);
  });

  it('jitters uniformly below a capped exponential ceiling', () => {
    expect(backoffDelayMs(policy, 1, () => 0.5)).toBe(50);
    expect(backoffDelayMs(policy, 3, () => 0.999)).toBe(400);
    expect(backoffDelayMs(policy, 10, () => 1)).toBe(1000);
    expect(backoffDelayMs(policy, 2, () => 0)).toBe(0);
  });
});
