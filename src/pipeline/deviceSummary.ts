import { compareDeviceIds } from '../schema/deviceOrder.js';
import type { MachineEvent } from '../schema/events.js';
import type { Telemetry } from '../schema/telemetry.js';
import { EXCURSION_THRESHOLDS } from '../speed/precursors.js';

/** Per-device statistics of a stream of readings and events. */
export interface DeviceSummary {
  device_id: string;
  readings: number;
  temperature_mean_c: number;
  temperature_max_c: number;
  /** Readings above the temperature excursion threshold (28 °C). */
  temperature_excursions: number;
  vibration_mean_mm_s2: number;
  vibration_max_mm_s2: number;
  /** Readings above the vibration excursion threshold (3.0 mm/s²). */
  vibration_excursions: number;
  failures: number;
  maintenances: number;
}

interface Totals {
  readings: number;
  temperatureSum: number;
  temperatureMax: number;
  temperatureExcursions: number;
  vibrationSum: number;
  vibrationMax: number;
  vibrationExcursions: number;
  failures: number;
  maintenances: number;
}

const round2 = (x: number) => Math.round(x * 100) / 100;

/**
 * Streams readings and events into one summary row per device (memory per device, not per reading).
 * @example
 * const summary = new DeviceSummaryCollector();
 * for (const m of simulateHistory(options)) m.topic === 'telemetry' ? summary.addTelemetry(m.value) : summary.addEvent(m.value);
 * displayTable(summary.rows());
 */
export class DeviceSummaryCollector {
  private readonly devices = new Map<string, Totals>();

  private totalsOf(deviceId: string): Totals {
    let totals = this.devices.get(deviceId);
    if (!totals) {
      totals = {
        readings: 0,
        temperatureSum: 0,
        temperatureMax: Number.NEGATIVE_INFINITY,
        temperatureExcursions: 0,
        vibrationSum: 0,
        vibrationMax: Number.NEGATIVE_INFINITY,
        vibrationExcursions: 0,
        failures: 0,
        maintenances: 0,
      };
      this.devices.set(deviceId, totals);
    }
    return totals;
  }

  /** Counts one reading. */
  addTelemetry(reading: Telemetry): void {
    const t = this.totalsOf(reading.device_id);
    t.readings += 1;
    t.temperatureSum += reading.temperature;
    t.temperatureMax = Math.max(t.temperatureMax, reading.temperature);
    if (reading.temperature > EXCURSION_THRESHOLDS.temperature.value) t.temperatureExcursions += 1;
    t.vibrationSum += reading.vibration;
    t.vibrationMax = Math.max(t.vibrationMax, reading.vibration);
    if (reading.vibration > EXCURSION_THRESHOLDS.vibration.value) t.vibrationExcursions += 1;
  }

  /** Counts failure and maintenance events (inspections are not counted). */
  addEvent(event: MachineEvent): void {
    const t = this.totalsOf(event.device_id);
    if (event.event_type === 'failure') t.failures += 1;
    else if (event.event_type === 'maintenance') t.maintenances += 1;
  }

  /** One row per device, in natural device order; means and maxima rounded to 2 decimals. */
  rows(): DeviceSummary[] {
    return [...this.devices.entries()]
      .sort(([a], [b]) => compareDeviceIds(a, b))
      .map(([device_id, t]) => ({
        device_id,
        readings: t.readings,
        temperature_mean_c: t.readings ? round2(t.temperatureSum / t.readings) : Number.NaN,
        temperature_max_c: t.readings ? round2(t.temperatureMax) : Number.NaN,
        temperature_excursions: t.temperatureExcursions,
        vibration_mean_mm_s2: t.readings ? round2(t.vibrationSum / t.readings) : Number.NaN,
        vibration_max_mm_s2: t.readings ? round2(t.vibrationMax) : Number.NaN,
        vibration_excursions: t.vibrationExcursions,
        failures: t.failures,
        maintenances: t.maintenances,
      }));
  }
}
