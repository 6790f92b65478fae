import { InvalidArgumentError } from '../errors.js';
import { type FailureTruth, type GroundTruth, HEALTH_MODEL } from './index.js';

/**
 * The first failure caused by wear (not a random sensor fault) with `historyMs` of failure-free history
 * on its device before it, inside the run: a good failure to chart its lead-up. Throws an
 * InvalidArgumentError when the run has none (try another seed or a longer run).
 * @example const failure = pickWearFailure(readGroundTruth(dir), { historyMs: 3 * DAY_MS });
 */
export function pickWearFailure(truth: GroundTruth, options: { historyMs: number }): FailureTruth {
  const failures = [...truth.failures].sort((a, b) => Date.parse(a.timestamp) - Date.parse(b.timestamp));
  const picked = failures.find((f) => {
    const ms = Date.parse(f.timestamp);
    const fromMs = ms - options.historyMs;
    const wear = f.health !== null && f.health < HEALTH_MODEL.randomFailureAbove;
    const earlier = failures.some(
      (g) =>
        g !== f &&
        g.device_id === f.device_id &&
        Date.parse(g.timestamp) > fromMs &&
        Date.parse(g.timestamp) < ms,
    );
    return wear && fromMs >= truth.run.fromMs && !earlier;
  });
  if (!picked) {
    const hours = Math.round(options.historyMs / 3_600_000);
    throw new InvalidArgumentError(
      `no wear failure with ${hours} h of failure-free history among ${failures.length} failures: try another seed or a longer run`,
    );
  }
  return picked;
}
