import type { MachineEvent } from '../schema/events.js';
import { DAY_MS, formatUtc, HOUR_MS, SECOND_MS } from '../time/utcTime.js';
import { Random, roundTo } from '../util/random.js';
import {
  describeEffects,
  FAILURE_PARTS,
  HEALTH_MODEL,
  MAINTENANCE_PARTS,
  MODE_WEIGHTS,
  SENSOR_MODEL,
} from './degradingModel.js';
import { DEGRADATION_MODES, type DegradationMode } from './groundTruth.js';
import type { SimulatedMessage } from './simulationOptions.js';
import type { TruthRecorder } from './truthRecorder.js';

/** The reading slots of one simulated hour, shared by every device of the plant. */
export interface HourGrid {
  startMs: number;
  /** ISO form of startMs. */
  startStamp: string;
  slotTimes: number[];
  slotStamps: string[];
  /** Daily temperature cycle (°C offset) at each slot. */
  slotCycle: number[];
}

// Cumulative bounds that split one uniform draw into the rare sensor effects.
const DROPOUT_BELOW = SENSOR_MODEL.dropout;
const TEMPERATURE_GLITCH_BELOW = DROPOUT_BELOW + SENSOR_MODEL.glitch;
const VIBRATION_GLITCH_BELOW = TEMPERATURE_GLITCH_BELOW + SENSOR_MODEL.glitch;

type MaintenanceReason = 'scheduled' | 'after_failure' | 'after_inspection';

/** Rounds a duration to whole seconds (all event times stay on the run's second grid). */
function roundToWholeSeconds(ms: number): number {
  return Math.round(ms / SECOND_MS) * SECOND_MS;
}

/**
 * One device of the 'degrading' plant: a hidden health that drifts down, shapes the readings and raises
 * the failure hazard; repairs, maintenance and inspections restore it. All its randomness comes from its
 * own stream (seed, device index).
 */
export class DegradingDevice {
  private readonly rng: Random;
  private readonly baseTemperature: number;
  private readonly baseVibration: number;
  private readonly baseEnergy: number;
  /** Health lost per hour at full health. */
  private readonly wearRate: number;
  private health: number;
  private mode: DegradationMode;
  private down = false;
  private repairAtMs = Number.POSITIVE_INFINITY;
  private failedComponent: string | null = null;
  private nextScheduledMs: number;
  private nextInspectionMs: number;
  private pendingMaintenanceMs = Number.POSITIVE_INFINITY;
  private failureAtMs = Number.POSITIVE_INFINITY;
  // Reading offsets implied by the current health and mode (recomputed when either changes).
  private temperatureShift = 0;
  private vibrationShift = 0;
  private energyShift = 0;

  constructor(
    readonly id: string,
    seed: number,
    index: number,
    fromMs: number,
  ) {
    const rng = new Random(seed, index);
    this.rng = rng;
    this.baseTemperature = rng.drawUniform(20, 23);
    this.baseVibration = rng.drawUniform(0.4, 0.9);
    this.baseEnergy = rng.drawUniform(1.2, 2.5);
    this.wearRate = rng.drawUniform(HEALTH_MODEL.wearRateMin, HEALTH_MODEL.wearRateMax);
    // Start mid-life: some wear, and maintenance/inspection due at a random point of their cycle.
    this.health = rng.drawUniform(HEALTH_MODEL.initialHealthMin, 1.0);
    this.mode = rng.pickWeighted(DEGRADATION_MODES, MODE_WEIGHTS);
    const maintenanceCycleMs = rng.drawUniform(20, 45) * DAY_MS;
    this.nextScheduledMs = fromMs + roundToWholeSeconds(rng.drawFloat() * maintenanceCycleMs);
    const inspectionCycleMs = rng.drawInt(7, 30) * DAY_MS;
    this.nextInspectionMs = fromMs + roundToWholeSeconds(rng.drawFloat() * inspectionCycleMs);
    this.updateEffects();
  }

  /** Simulates one hour: health step, failure draw, then readings and events in time order into `out`. */
  simulateHour(grid: HourGrid, out: SimulatedMessage[], truth: TruthRecorder): void {
    const endMs = grid.startMs + HOUR_MS;
    if (!this.down) this.stepHealth(grid.startMs);
    truth.recordHealth(grid.startMs, {
      device_id: this.id,
      timestamp: grid.startStamp,
      health: roundTo(this.health, 4),
      mode: this.mode,
    });
    let slot = 0;
    for (;;) {
      const eventMs = this.findNextEventMs();
      const untilMs = Math.min(eventMs, endMs - 1);
      // A reading at the same instant as an event is taken before it (telemetry before events).
      while (slot < grid.slotTimes.length && grid.slotTimes[slot]! <= untilMs) {
        if (!this.down) this.emitReading(grid, slot, out);
        slot++;
      }
      if (eventMs >= endMs) return;
      this.handleEvent(eventMs, out, truth);
    }
  }

  private stepHealth(startMs: number): void {
    const drift = this.wearRate * (1 + HEALTH_MODEL.wearAcceleration * (1 - this.health));
    const next = this.health - drift + this.rng.drawGaussian(0, HEALTH_MODEL.hourlyNoise);
    this.health = Math.min(1, Math.max(0, next));
    this.updateEffects();
    const shortfall = Math.max(0, (HEALTH_MODEL.hazardKnee - this.health) / HEALTH_MODEL.hazardKnee);
    const hazard = HEALTH_MODEL.baseHazardPerHour + HEALTH_MODEL.wearHazardPerHour * shortfall * shortfall;
    if (this.rng.drawChance(1 - Math.exp(-hazard))) {
      this.failureAtMs = startMs + this.rng.drawInt(0, 3599) * SECOND_MS;
    }
  }

  private findNextEventMs(): number {
    if (this.down) return this.repairAtMs;
    return Math.min(this.failureAtMs, this.nextScheduledMs, this.pendingMaintenanceMs, this.nextInspectionMs);
  }

  private handleEvent(ms: number, out: SimulatedMessage[], truth: TruthRecorder): void {
    if (this.down) this.repair(ms, out, truth);
    else if (ms === this.failureAtMs) this.fail(ms, out, truth);
    else if (ms === this.nextScheduledMs) this.maintain(ms, 'scheduled', out, truth);
    else if (ms === this.pendingMaintenanceMs) this.maintain(ms, 'after_inspection', out, truth);
    else this.inspect(ms, out, truth);
  }

  private fail(ms: number, out: SimulatedMessage[], truth: TruthRecorder): void {
    const [component, rootCause] =
      this.health > HEALTH_MODEL.randomFailureAbove
        ? (['sensor', 'unknown'] as const)
        : FAILURE_PARTS[this.mode];
    const stamp = formatUtc(ms);
    this.pushEvent(out, ms, {
      device_id: this.id,
      event_timestamp: stamp,
      event_type: 'failure',
      severity: this.health < 0.3 ? 'high' : 'medium',
      error_code: `ERR${this.rng.drawInt(1000, 1999)}`,
      component,
      root_cause: rootCause,
    });
    truth.recordFailure(ms, {
      device_id: this.id,
      timestamp: stamp,
      component,
      root_cause: rootCause,
      health: roundTo(this.health, 4),
      mode: this.mode,
    });
    this.down = true;
    this.failedComponent = component;
    this.failureAtMs = Number.POSITIVE_INFINITY;
    this.pendingMaintenanceMs = Number.POSITIVE_INFINITY;
    this.repairAtMs = ms + roundToWholeSeconds(this.rng.drawUniform(2, 12) * HOUR_MS);
  }

  private repair(ms: number, out: SimulatedMessage[], truth: TruthRecorder): void {
    this.maintain(ms, 'after_failure', out, truth);
    this.down = false;
    this.repairAtMs = Number.POSITIVE_INFINITY;
    this.failedComponent = null;
    // Inspections that fell due while the device was down happen a few hours after the repair.
    if (this.nextInspectionMs <= ms) this.nextInspectionMs = ms + this.rng.drawInt(1, 6) * HOUR_MS;
  }

  private maintain(
    ms: number,
    reason: MaintenanceReason,
    out: SimulatedMessage[],
    truth: TruthRecorder,
  ): void {
    const before = this.health;
    const isRepair = reason === 'after_failure';
    const restored = isRepair ? this.rng.drawUniform(0.9, 1.0) : this.rng.drawUniform(0.85, 1.0);
    const part = isRepair && this.failedComponent === 'sensor' ? 'none' : this.choosePart(before);
    const stamp = formatUtc(ms);
    this.pushEvent(out, ms, {
      device_id: this.id,
      event_timestamp: stamp,
      event_type: 'maintenance',
      severity: isRepair ? 'medium' : 'low',
      technician: `tech-${this.rng.drawInt(1, 20)}`,
      duration_min: isRepair ? this.rng.drawInt(90, 240) : this.rng.drawInt(15, 120),
      parts_replaced: part,
    });
    this.health = isRepair ? restored : Math.max(before, restored);
    if (this.health > before) {
      // A restore starts a new wear cycle: a fresh mode, and a failure drawn for the old state is void.
      this.mode = this.rng.pickWeighted(DEGRADATION_MODES, MODE_WEIGHTS);
      this.failureAtMs = Number.POSITIVE_INFINITY;
    }
    this.updateEffects();
    truth.recordMaintenance(ms, {
      device_id: this.id,
      timestamp: stamp,
      reason,
      health_before: roundTo(before, 4),
      health_after: roundTo(this.health, 4),
    });
    this.pendingMaintenanceMs = Number.POSITIVE_INFINITY;
    this.nextScheduledMs = ms + roundToWholeSeconds(this.rng.drawUniform(20, 45) * DAY_MS);
  }

  private choosePart(healthBefore: number): (typeof MAINTENANCE_PARTS)[DegradationMode] | 'none' {
    return healthBefore >= HEALTH_MODEL.wornBelow ? 'none' : MAINTENANCE_PARTS[this.mode];
  }

  private inspect(ms: number, out: SimulatedMessage[], truth: TruthRecorder): void {
    const observed = this.health + this.rng.drawGaussian(0, HEALTH_MODEL.inspectionNoise);
    const failed = observed < HEALTH_MODEL.inspectionFailsBelow;
    const nextDays = this.rng.drawInt(7, 30);
    const stamp = formatUtc(ms);
    this.pushEvent(out, ms, {
      device_id: this.id,
      event_timestamp: stamp,
      event_type: 'inspection',
      severity: failed ? 'medium' : 'low',
      status: failed ? 'failed' : 'passed',
      next_inspection_days: nextDays,
    });
    truth.recordInspection(ms, {
      device_id: this.id,
      timestamp: stamp,
      status: failed ? 'failed' : 'passed',
      health: roundTo(this.health, 4),
    });
    this.nextInspectionMs = ms + nextDays * DAY_MS;
    if (failed && this.pendingMaintenanceMs === Number.POSITIVE_INFINITY) {
      this.pendingMaintenanceMs = ms + roundToWholeSeconds(this.rng.drawUniform(1, 24) * HOUR_MS);
    }
  }

  private pushEvent(out: SimulatedMessage[], ms: number, value: MachineEvent): void {
    out.push({ topic: 'events', key: this.id, timestamp: ms, value });
  }

  private updateEffects(): void {
    const effects = describeEffects(this.mode, this.health);
    this.temperatureShift = effects.temperature;
    this.vibrationShift = effects.vibration;
    this.energyShift = effects.energy;
  }

  private emitReading(grid: HourGrid, slot: number, out: SimulatedMessage[]): void {
    const rng = this.rng;
    let temperature =
      this.baseTemperature + grid.slotCycle[slot]! + rng.drawGaussian(0, 0.8) + this.temperatureShift;
    let vibration = Math.max(0.05, this.baseVibration + rng.drawGaussian(0, 0.15) + this.vibrationShift);
    let energy = Math.max(0.05, this.baseEnergy + rng.drawGaussian(0, 0.25) + this.energyShift);
    let signal = Math.round(Math.min(100, Math.max(0, rng.drawGaussian(88, 5))));
    // One uniform decides the rare cases: a signal dropout or one sensor glitch (noise, not a precursor).
    const rare = rng.drawFloat();
    if (rare < SENSOR_MODEL.rareTotal) {
      if (rare < DROPOUT_BELOW) signal = rng.drawInt(5, 29);
      else if (rare < TEMPERATURE_GLITCH_BELOW) temperature += rng.drawUniform(5, 9);
      else if (rare < VIBRATION_GLITCH_BELOW) vibration += rng.drawUniform(2, 3);
      else energy += rng.drawUniform(2.5, 3.5);
    }
    const id = this.id;
    out.push({
      topic: 'telemetry',
      key: id,
      timestamp: grid.slotTimes[slot]!,
      value: {
        device_id: id,
        timestamp: grid.slotStamps[slot]!,
        energy_usage: roundTo(energy, 2),
        temperature: roundTo(temperature, 1),
        vibration: roundTo(vibration, 2),
        signal_strength: signal,
      },
    });
  }
}
