import { computeUtcHourOfDay, formatUtc, HOUR_MS } from '../time/utcTime.js';
import { DegradingDevice, type HourGrid } from './degradingDevice.js';
import type { PlantModel } from './plantModel.js';
import { nameDevice, type SimulatedMessage, type SimulationOptions } from './simulationOptions.js';
import type { TruthRecorder } from './truthRecorder.js';

/** Amplitude (°C) of the daily temperature cycle, warmest at 14:00 UTC. */
const DAILY_CYCLE_C = 1;
const WARMEST_HOUR_UTC = 14;

/**
 * The 'degrading' plant: N independent DegradingDevices reading on a shared grid
 * fromMs + k · cadenceMs. Device i's behaviour depends only on (seed, i, fromMs, cadenceMs).
 */
export class DegradingPlant implements PlantModel {
  private readonly devices: DegradingDevice[] = [];

  constructor(private readonly options: SimulationOptions) {
    for (let i = 1; i <= options.devices; i++) {
      this.devices.push(new DegradingDevice(nameDevice(i), options.seed, i, options.fromMs));
    }
  }

  simulateHour(startMs: number, out: SimulatedMessage[], truth: TruthRecorder): void {
    const grid = this.buildGrid(startMs);
    for (const device of this.devices) device.simulateHour(grid, out, truth);
  }

  private buildGrid(startMs: number): HourGrid {
    const { fromMs, cadenceMs } = this.options;
    const endMs = startMs + HOUR_MS;
    const slotTimes: number[] = [];
    const slotStamps: string[] = [];
    const slotCycle: number[] = [];
    const firstIndex = Math.ceil((startMs - fromMs) / cadenceMs);
    for (let t = fromMs + firstIndex * cadenceMs; t < endMs; t += cadenceMs) {
      slotTimes.push(t);
      slotStamps.push(formatUtc(t));
      slotCycle.push(
        DAILY_CYCLE_C * Math.cos((2 * Math.PI * (computeUtcHourOfDay(t) - WARMEST_HOUR_UTC)) / 24),
      );
    }
    return { startMs, startStamp: formatUtc(startMs), slotTimes, slotStamps, slotCycle };
  }
}
