import type { SimulatedMessage } from './simulationOptions.js';
import type { TruthRecorder } from './truthRecorder.js';

/**
 * What the simulator needs from a profile: produce one hour [startMs, startMs + 1 h) of messages.
 * Each device's messages must be appended in time order (telemetry before events at the same instant)
 * and devices in device order; the simulator then sorts the hour stably by timestamp.
 */
export interface PlantModel {
  simulateHour(startMs: number, out: SimulatedMessage[], truth: TruthRecorder): void;
}
