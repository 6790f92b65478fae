import { PlantSimulator, type SimulationOptions, simulateHistory } from '../ingest/index.js';
import type { MachineEvent } from '../schema/events.js';
import type { Telemetry } from '../schema/telemetry.js';
import { PrecursorCollector, type PrecursorReport } from '../speed/precursors.js';
import { type DeviceSummary, DeviceSummaryCollector } from './deviceSummary.js';

export interface SimulationSummary {
  /** One row per device: readings, temperature and vibration statistics, failures. */
  devices: DeviceSummary[];
  /** Do excursions precede failures more often than chance? */
  precursors: PrecursorReport;
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
  const devices = new DeviceSummaryCollector();
  const precursors = new PrecursorCollector({
    horizonMs: options.horizonMs ?? 86_400_000,
    seed: simulation.seed,
  });
  for (const m of simulateHistory(simulation)) {
    if (m.topic === 'telemetry') {
      devices.addTelemetry(m.value as Telemetry);
      precursors.addTelemetry(m.value as Telemetry);
    } else {
      devices.addEvent(m.value as MachineEvent);
      precursors.addEvent(m.value as MachineEvent);
    }
  }
  return { devices: devices.rows(), precursors: precursors.report() };
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
      readings.push(m.value as Telemetry);
    }
  }
  return readings;
}
