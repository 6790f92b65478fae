import {
  PlantSimulator,
  type SimulatedMessage,
  type SimulationOptions,
  simulateHistory,
} from '../ingest/index.js';
import type { Telemetry } from '../schema/telemetry.js';
import { PrecursorCollector, type PrecursorReport } from '../speed/precursors.js';
import { DAY_MS } from '../time/utcTime.js';
import { type DeviceSummary, DeviceSummaryCollector } from './deviceSummary.js';

export interface SimulationSummary {
  /** One row per device: readings, temperature and vibration statistics, failures. */
  devices: DeviceSummary[];
  /** Do excursions precede failures more often than chance? */
  precursors: PrecursorReport;
}

/** Collects a simulation's per-device summary and precursor statistic from its messages, as they are produced or replayed. */
export class SimulationSummaryCollector {
  private readonly devices = new DeviceSummaryCollector();
  private readonly precursors: PrecursorCollector;

  /** @param options horizon of the precursor statistic (default 24 h) and the seed its random windows use */
  constructor(options: { seed: number; horizonMs?: number }) {
    this.precursors = new PrecursorCollector({ horizonMs: options.horizonMs ?? DAY_MS, seed: options.seed });
  }

  add(m: SimulatedMessage): void {
    if (m.topic === 'telemetry') {
      this.devices.addTelemetry(m.value);
      this.precursors.addTelemetry(m.value);
    } else {
      this.devices.addEvent(m.value);
      this.precursors.addEvent(m.value);
    }
  }

  summary(): SimulationSummary {
    return { devices: this.devices.rows(), precursors: this.precursors.report() };
  }
}

/**
 * Replays a simulation in memory (it is deterministic: the same messages that went into the log) and
 * summarizes it per device, with the precursor statistic over `horizonMs` (default 24 h).
 * @example const { devices, precursors } = summarizeSimulation(simulation);
 */
export function summarizeSimulation(
  simulation: SimulationOptions,
  options: { horizonMs?: number } = {},
): SimulationSummary {
  const collector = new SimulationSummaryCollector({ seed: simulation.seed, horizonMs: options.horizonMs });
  for (const m of simulateHistory(simulation)) collector.add(m);
  return collector.summary();
}

/**
 * One device's readings in [fromMs, toMs), replayed from the deterministic simulation.
 * @example const readings = collectDeviceReadings(simulation, { deviceId: 'device_3', fromMs, toMs });
 */
export function collectDeviceReadings(
  simulation: SimulationOptions,
  window: { deviceId: string; fromMs: number; toMs: number },
): Telemetry[] {
  const readings: Telemetry[] = [];
  const simulator = new PlantSimulator(simulation);
  for (const m of simulator.advance(Math.min(window.toMs, simulation.toMs))) {
    if (m.topic === 'telemetry' && m.key === window.deviceId && m.timestamp >= window.fromMs) {
      readings.push(m.value);
    }
  }
  return readings;
}
