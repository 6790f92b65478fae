import type { Telemetry } from '../schema/telemetry.js';

/**
 * A reading's composite_health_score, bit for bit as the batch computes it in
 * sql/duckdb/silver_telemetry_daily.sql (whose min_health_score is the lowest of the day):
 * `round(least(1, greatest(0, 0.4 * (1 - temperature / 30) + 0.3 * (1 - vibration / 5) + 0.3 * (signal_strength / 100))), 2)`.
 * The same double operations in the same order, then DuckDB's round(x, 2) for x ≥ 0, which is
 * std::round(x · 100) / 100 (Math.round rounds halves up, the same as away from zero for x ≥ 0).
 * A test holds it against DuckDB, rounding edges included.
 * @example computeCompositeHealthScore({ temperature: 22.5, vibration: 1.2, signal_strength: 90 }); // 0.6
 */
export function computeCompositeHealthScore(
  reading: Pick<Telemetry, 'temperature' | 'vibration' | 'signal_strength'>,
): number {
  const raw =
    0.4 * (1 - reading.temperature / 30) +
    0.3 * (1 - reading.vibration / 5) +
    0.3 * (reading.signal_strength / 100);
  const clipped = Math.min(1, Math.max(0, raw));
  return Math.round(clipped * 100) / 100;
}

/**
 * numerator / denominator rounded half away from zero, in exact integer arithmetic (both safe integers,
 * denominator > 0): the mean of a sum kept in integer units, rounded like DuckDB's round().
 * @example roundQuotientHalfAwayFromZero(5, 2); // 3
 * @example roundQuotientHalfAwayFromZero(-5, 2); // -3
 */
export function roundQuotientHalfAwayFromZero(numerator: number, denominator: number): number {
  const magnitude = Math.abs(numerator);
  const remainder = magnitude % denominator;
  const quotient = (magnitude - remainder) / denominator + (2 * remainder >= denominator ? 1 : 0);
  return numerator < 0 ? -quotient : quotient;
}
