/** An alert is the first anomaly of a (device, anomaly_type) after at least this long without one: 1 h. */
export const EPISODE_GAP_MS = 3_600_000;

/**
 * Turns anomalies into alerts (episodes): an anomaly opens a new episode when its key (e.g. device and
 * anomaly_type) had no anomaly in the gap before it, i.e. the previous one is at least `gapMs` older.
 * A gap of exactly `gapMs` starts a new episode. Feed anomalies in event-time order per key.
 * @example const episodes = new EpisodeTracker(); if (episodes.observe(`${id}\u0000high_vibration`, ms)) alerts++;
 */
export class EpisodeTracker {
  private readonly last = new Map<string, number>();

  constructor(
    /** Quiet time that ends an episode, ms. Default EPISODE_GAP_MS (1 h). */
    readonly gapMs: number = EPISODE_GAP_MS,
  ) {}

  /** Notes an anomaly of `key` at `ms`; true when it starts a new episode (an alert). */
  observe(key: string, ms: number): boolean {
    const previous = this.last.get(key);
    if (previous === undefined) {
      this.last.set(key, ms);
      return true;
    }
    if (ms > previous) this.last.set(key, ms);
    return ms - previous >= this.gapMs;
  }
}
