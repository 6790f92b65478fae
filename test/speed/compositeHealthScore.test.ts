import { DuckDBTimestampTZValue } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { buildModel } from '../../src/batch/models.js';
import { openDuckSession } from '../../src/duckdb/duckSession.js';
import { DEFAULT_FROM_MS } from '../../src/ingest/index.js';
import {
  computeCompositeHealthScore,
  roundQuotientHalfAwayFromZero,
} from '../../src/speed/compositeHealthScore.js';
import { Random } from '../../src/util/random.js';

type Reading = { temperature: number; vibration: number; signal_strength: number };

/** Random readings like the simulator's (2 dp, whole-percent signal), some out of the clip range, some full-precision. */
function randomReadings(rng: Random, n: number): Reading[] {
  return Array.from({ length: n }, (_, i) => {
    const full = i % 5 === 0;
    const round2 = (x: number) => (full ? x : Math.round(x * 100) / 100);
    return {
      temperature: round2(rng.drawUniform(-20, 80)),
      vibration: round2(rng.drawUniform(0, 12)),
      signal_strength: full ? rng.drawUniform(0, 100) : rng.drawInt(0, 100),
    };
  });
}

/**
 * Readings whose exact score lies on a rounding tie (x·100 ends in .5): temperature a multiple of 0.75
 * (0.4·t/30 = t/75), vibration 0.25 + 0.5·j (0.06·v·100 ends in .5) and signal a multiple of 5; floating
 * error then decides the side, and both implementations must decide alike.
 */
function tieReadings(rng: Random, n: number): Reading[] {
  return Array.from({ length: n }, () => ({
    temperature: 0.75 * rng.drawInt(0, 40),
    vibration: 0.25 + 0.5 * rng.drawInt(0, 9),
    signal_strength: 5 * rng.drawInt(0, 20),
  }));
}

describe('computeCompositeHealthScore', () => {
  it('equals the batch SQL (silver_telemetry_daily in DuckDB: one reading per device-day) on random readings and on rounding ties', async () => {
    const rng = new Random(16);
    const readings = [...randomReadings(rng, 3000), ...tieReadings(rng, 1500)];
    const duck = await openDuckSession({ threads: 1 });
    try {
      await duck.run(`CREATE TEMP TABLE raw_telemetry (
        device_id VARCHAR, "timestamp" TIMESTAMPTZ, energy_usage DOUBLE,
        temperature DOUBLE, vibration DOUBLE, signal_strength DOUBLE,
        source_partition INTEGER, source_offset BIGINT, source_file VARCHAR)`);
      const appender = await duck.connection.createAppender('raw_telemetry');
      for (const [i, r] of readings.entries()) {
        appender.appendVarchar(String(i).padStart(5, '0'));
        appender.appendTimestampTZ(new DuckDBTimestampTZValue(BigInt(DEFAULT_FROM_MS + i * 1000) * 1000n));
        appender.appendDouble(1);
        appender.appendDouble(r.temperature);
        appender.appendDouble(r.vibration);
        appender.appendDouble(r.signal_strength);
        appender.appendInteger(0);
        appender.appendBigInt(BigInt(i));
        appender.appendNull();
        appender.endRow();
      }
      appender.closeSync();
      await buildModel(duck, 'silver_telemetry_daily', {
        from_date: '2025-04-01',
        to_date: '2025-04-01',
        vibration_threshold: 3,
        baseline_min_readings: 100,
      });
      const rows = await duck.rows<{ device_id: string; composite_health_score: number }>(
        'SELECT device_id, min_health_score AS composite_health_score FROM silver_telemetry_daily ORDER BY device_id',
      );
      expect(rows).toHaveLength(readings.length);
      const mismatches = rows.filter(
        (row) =>
          !Object.is(
            computeCompositeHealthScore(readings[Number(row.device_id)]!),
            row.composite_health_score,
          ),
      );
      expect(mismatches).toEqual([]);
      const scores = rows.map((r) => r.composite_health_score);
      expect(scores).toContain(0); // clipped below
      expect(scores).toContain(1); // clipped above
      // the ties are real: exact arithmetic would put x·100 on .5, floating point lands on both sides
      const ties = readings.slice(3000).map((r) => {
        const x =
          0.4 * (1 - r.temperature / 30) + 0.3 * (1 - r.vibration / 5) + 0.3 * (r.signal_strength / 100);
        return x * 100 - Math.floor(x * 100);
      });
      expect(ties.some((f) => f > 0.5 - 1e-9 && f < 0.5)).toBe(true);
      expect(ties.some((f) => f >= 0.5 && f < 0.5 + 1e-9)).toBe(true);
    } finally {
      duck.close();
    }
  });

  it('clips to [0, 1] and rounds to 2 dp', () => {
    expect(computeCompositeHealthScore({ temperature: 22.5, vibration: 1.2, signal_strength: 90 })).toBe(0.6);
    expect(computeCompositeHealthScore({ temperature: 100, vibration: 50, signal_strength: 0 })).toBe(0);
    expect(computeCompositeHealthScore({ temperature: -50, vibration: 0, signal_strength: 100 })).toBe(1);
  });
});

describe('roundQuotientHalfAwayFromZero', () => {
  it('rounds exact halves away from zero and everything else to the nearest integer', () => {
    expect(roundQuotientHalfAwayFromZero(5, 2)).toBe(3);
    expect(roundQuotientHalfAwayFromZero(-5, 2)).toBe(-3);
    expect(roundQuotientHalfAwayFromZero(7, 3)).toBe(2);
    expect(roundQuotientHalfAwayFromZero(8, 3)).toBe(3);
    expect(roundQuotientHalfAwayFromZero(0, 7)).toBe(0);
    expect(roundQuotientHalfAwayFromZero(12_345, 10)).toBe(1235); // 1234.5 → 1235
    // big sums stay exact where a double quotient would not
    expect(roundQuotientHalfAwayFromZero(2 ** 52 + 1, 2)).toBe(2 ** 51 + 1);
  });
});
