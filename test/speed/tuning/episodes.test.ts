import { describe, expect, it } from 'vitest';
import { EPISODE_GAP_MS, EpisodeTracker } from '../../../src/speed/tuning/episodes.js';
import { HOUR, MINUTE, T0 } from './fixtures.js';

describe('EpisodeTracker', () => {
  it('alerts on the first anomaly of a key, then only after at least 1 h without one', () => {
    const episodes = new EpisodeTracker();
    expect(EPISODE_GAP_MS).toBe(HOUR);
    expect(episodes.observe('d1', T0)).toBe(true);
    expect(episodes.observe('d1', T0 + 30 * MINUTE)).toBe(false);
    // The gap counts from the latest anomaly (T0 + 30 min), not from the episode's start.
    expect(episodes.observe('d1', T0 + 89 * MINUTE)).toBe(false);
    expect(episodes.observe('d1', T0 + 89 * MINUTE + HOUR - 1)).toBe(false);
  });

  it('starts a new episode after a gap of exactly 1 h (boundary), not after 1 h − 1 ms', () => {
    const exact = new EpisodeTracker();
    exact.observe('d1', T0);
    expect(exact.observe('d1', T0 + HOUR)).toBe(true);
    const short = new EpisodeTracker();
    short.observe('d1', T0);
    expect(short.observe('d1', T0 + HOUR - 1)).toBe(false);
  });

  it('keeps keys apart (devices and anomaly types)', () => {
    const episodes = new EpisodeTracker();
    expect(episodes.observe('d1\u0000high_vibration', T0)).toBe(true);
    expect(episodes.observe('d2\u0000high_vibration', T0)).toBe(true);
    expect(episodes.observe('d1\u0000high_temperature', T0 + MINUTE)).toBe(true);
    expect(episodes.observe('d1\u0000high_vibration', T0 + MINUTE)).toBe(false);
  });

  it('takes another gap', () => {
    const episodes = new EpisodeTracker(10 * MINUTE);
    episodes.observe('d1', T0);
    expect(episodes.observe('d1', T0 + 10 * MINUTE)).toBe(true);
  });
});
