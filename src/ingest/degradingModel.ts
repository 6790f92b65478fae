import type { COMPONENTS, ROOT_CAUSES } from '../schema/events.js';
import type { DegradationMode } from './groundTruth.js';

/**
 * The constants of the 'degrading' profile's hidden health model, in one place so that the README and
 * rule-tuning notebooks can quote them.
 *
 * Calibrated with test/ingest/plantAcceptance.test.ts (50 devices × 30 days: ~140 failures, 'any'
 * excursion lift ≈ 2.4). With d = (1 − h)^1.5, a hazard knee at 0.55 and wear of 0.0015–0.005 per hour,
 * devices spent about a third of their time visibly worn, so random 24 h windows held an excursion
 * about 55 % of the time and the lift stayed near 1.7: precursors must appear late, shortly before failure.
 */
export const HEALTH_MODEL = {
  /** Health lost per hour at full health is drawn per device from [wearRateMin, wearRateMax). */
  wearRateMin: 0.001,
  wearRateMax: 0.0035,
  /** Health at the start of a run is drawn from [initialHealthMin, 1): devices start mid-life. */
  initialHealthMin: 0.3,
  /** Hourly drift is wearRate · (1 + wearAcceleration · (1 − h)): worn devices wear faster. */
  wearAcceleration: 1.5,
  /** Wear d = (1 − h)^effectExponent scales the metric shifts. */
  effectExponent: 2,
  /** Standard deviation of the hourly health noise. */
  hourlyNoise: 0.002,
  /** Failure hazard per hour: base + wear · max(0, (knee − h) / knee)². */
  baseHazardPerHour: 1 / (24 * 400),
  wearHazardPerHour: 0.5,
  hazardKnee: 0.35,
  /** A failure while health is above this is a random sensor fault (sensor / unknown). */
  randomFailureAbove: 0.7,
  /** Inspections observe health with this noise and fail below inspectionFailsBelow. */
  inspectionNoise: 0.05,
  inspectionFailsBelow: 0.5,
  /** Maintenance on a device healthier than this replaces no part. */
  wornBelow: 0.8,
} as const;

/** Probability of each degradation mode when a wear cycle starts (bearing, motor, electrical). */
export const MODE_WEIGHTS: readonly number[] = [0.4, 0.35, 0.25];

const DROPOUT = 1 / 13_000;
const GLITCH = 1 / 25_000;
/**
 * Per reading probabilities of the rare sensor effects that do not depend on health: a signal dropout
 * (signal_strength 5..29), and a glitch on each of temperature, vibration and energy_usage. Together
 * healthy devices cross a reference threshold in about 1 of 7,000 readings (budget: 1 of 5,000).
 */
export const SENSOR_MODEL = {
  dropout: DROPOUT,
  glitch: GLITCH,
  /** dropout + 3 · glitch: the chance that a reading has any rare effect. */
  rareTotal: DROPOUT + 3 * GLITCH,
} as const;

/** How strongly wear d = (1 − h)^effectExponent shifts each metric, per mode. */
const EFFECT_SCALES: Record<DegradationMode, { temperature: number; vibration: number; energy: number }> = {
  bearing: { temperature: 5, vibration: 4.0, energy: 1.2 },
  motor: { temperature: 12, vibration: 1.5, energy: 2.5 },
  electrical: { temperature: 4, vibration: 0.8, energy: 4 },
};

/** The failing component and root cause of a wear failure in each mode. */
export const FAILURE_PARTS: Record<
  DegradationMode,
  readonly [(typeof COMPONENTS)[number], (typeof ROOT_CAUSES)[number]]
> = {
  bearing: ['bearing', 'wear'],
  motor: ['motor', 'overheating'],
  electrical: ['battery', 'power_surge'],
};

/** The part a maintenance replaces on a worn device, per mode. */
export const MAINTENANCE_PARTS = {
  bearing: 'bearing',
  motor: 'filter',
  electrical: 'battery',
} as const satisfies Record<DegradationMode, string>;

/**
 * The shift that wear adds to temperature (°C), vibration (mm/s²) and energy_usage (kWh) at health h.
 * @example describeEffects('motor', 0.3).temperature; // 12 · 0.7² ≈ 5.9
 */
export function describeEffects(
  mode: DegradationMode,
  health: number,
): { temperature: number; vibration: number; energy: number } {
  const wear = (1 - health) ** HEALTH_MODEL.effectExponent;
  const scale = EFFECT_SCALES[mode];
  return {
    temperature: scale.temperature * wear,
    vibration: scale.vibration * wear,
    energy: scale.energy * wear,
  };
}
