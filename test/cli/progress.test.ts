import { describe, expect, it } from 'vitest';
import {
  ANNOUNCE_READINGS,
  historySize,
  LARGE_LOG_BYTES,
  LOG_BYTES_PER_READING,
  resolveHistory,
} from '../../src/cli/commands/simulate.js';
import { createProgress } from '../../src/cli/output.js';
import { tempDataDir } from '../support/cli.js';
import { interruptAt } from '../support/interrupt.js';

/** Long work is visible without a TTY (issue 14 item 3). */

const plan = (devices: number, days: number) => ({
  devices,
  days,
  seed: 42,
  cadence: 60_000,
  profile: 'degrading' as const,
});

describe('progress on a stderr that is not a terminal', () => {
  it('prints a plain line at once, then at most one per interval (fake clock)', () => {
    let now = 1_000;
    const lines: string[] = [];
    const progress = createProgress('simulate', {
      tty: false,
      intervalMs: 5_000,
      now: () => now,
      write: (line) => lines.push(line),
    });
    progress.update(0.1, '2,000 readings');
    now += 4_999;
    progress.update(0.2, '4,000 readings');
    now += 1;
    progress.update(0.305, '6,000 readings');
    now += 1_000;
    progress.update(0.4);
    progress.stop();
    expect(lines).toEqual(['simulate 10% | 2,000 readings', 'simulate 30% | 6,000 readings']);
  });

  it('prints nothing when disabled (--json)', () => {
    const lines: string[] = [];
    const progress = createProgress('simulate', { enabled: false, tty: false, write: (l) => lines.push(l) });
    progress.update(0.5, 'x');
    expect(lines).toEqual([]);
  });
});

describe('the size of a history before it is produced', () => {
  it('counts readings as devices × steps and the log at ~200 B a reading; large above 2 GiB', () => {
    expect(LARGE_LOG_BYTES).toBe(2 * 1024 ** 3);
    const week = historySize(resolveHistory(plan(10, 7)));
    expect(week).toEqual({
      readings: 10 * 7 * 1440,
      logBytes: 10 * 7 * 1440 * LOG_BYTES_PER_READING,
      large: false,
    });
    expect(week.readings).toBeLessThan(ANNOUNCE_READINGS);
    // 1,000 devices × 7 days: 10,080,000 readings ≈ 1.9 GiB, just under; 1,100 devices is over.
    expect(historySize(resolveHistory(plan(1_000, 7))).large).toBe(false);
    expect(historySize(resolveHistory(plan(1_100, 7))).large).toBe(true);
  });

  it('simulate says the size, warns, and reports progress as plain lines when stderr is a pipe', async () => {
    const dir = tempDataDir('progress');
    // 2,000 devices × 7 days is ~3.8 GiB of log: paused after its first batch and stopped with SIGINT.
    const r = await interruptAt(
      ['simulate', '--devices', '2000', '--days', '7'],
      dir,
      'simulate:after-produce',
    );
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stderr.split('\n');
    const size = lines.findIndex((l) => l.startsWith('simulate: up to 20,160,000 readings'));
    expect(size, r.stderr).toBeGreaterThanOrEqual(0);
    expect(lines[size]).toMatch(/about 3\.8 GiB in the log/);
    expect(lines[size + 1]).toMatch(/^warning: simulate: about 3\.8 GiB of log is more than 2\.0 GiB/);
    // Both before anything was produced; then a plain progress line (no bar, no carriage return, no ANSI).
    const pausedAt = lines.indexOf('test hook paused: simulate:after-produce');
    expect(pausedAt).toBeGreaterThan(size + 1);
    expect(lines.some((l) => /^simulate \d+% \| [\d,]+ readings, [\d,]+ events$/.test(l))).toBe(true);
    expect(r.stderr.includes('\r') || r.stderr.includes('\u001b')).toBe(false);
  }, 120_000);
});
