import type { DeviceDayHealth } from '../schema/deviceDayHealth.js';
import type { Telemetry } from '../schema/telemetry.js';
import { DAY_MS, dateOfEpochDay, epochDay, formatUtc } from '../time/utcTime.js';
import { computeCompositeHealthScore, roundQuotientHalfAwayFromZero } from './compositeHealthScore.js';

/** Running aggregates of one device's readings on one UTC date, in units that add up exactly. */
export interface DeviceDayCell {
  readings: number;
  /** Sum of round(energy_usage · 100): energy in hundredths of a kWh (energy_usage has 2 dp). */
  energy_hundredths: number;
  max_temp: number;
  min_health_score: number;
  vibration_anomalies: number;
  /** Sum of signal_strength (whole percent in practice, so exact). */
  signal_sum: number;
  /** Event time of the newest reading counted, epoch ms. */
  newest_ms: number;
}

/** The view's whole state, serializable as JSON (checkpoints): device_id → UTC date → cell. */
export interface DeviceDayViewState {
  devices: Record<string, Record<string, DeviceDayCell>>;
}

export interface DeviceDayViewOptions {
  /** UTC event dates kept per device, ending at the device's newest (LAMBDA_IOT_REALTIME_DAYS). */
  days: number;
  /** vibration above it counts in vibration_anomalies (LAMBDA_IOT_VIBRATION_THRESHOLD). */
  vibrationThreshold: number;
}

/** Where a reading went: the date whose row it updated, or `late` when its date is older than the view's window. */
export type ViewUpdate = { date: string } | { late: true };

const dayOf = (ms: number) => Math.floor(ms / DAY_MS);

/**
 * The speed layer's real-time device-day view: per device and UTC event date, the gold_device_health
 * columns that need no baseline, kept as running aggregates. Each device keeps the dates in
 * [newest − (days − 1), newest], newest being its newest event date so far; a reading for an older date
 * changes nothing (the batch covers it) and an advancing newest date evicts the dates that fall out.
 * Deterministic: the same readings of a device in the same order give the same rows, however they are
 * batched.
 * @example const view = new DeviceDayView({ days: 3, vibrationThreshold: 3 }); view.add(reading); view.row('device_1', '2025-04-01');
 */
export class DeviceDayView {
  /** device_id → epoch day → cell. */
  private devices = new Map<string, Map<number, DeviceDayCell>>();
  /** Rows changed since the last takeChanges, in order of first change; an evicted one keeps its last value. */
  private changed = new Map<string, { deviceId: string; day: number; evicted?: DeviceDayHealth }>();

  constructor(
    readonly options: DeviceDayViewOptions,
    state?: DeviceDayViewState,
  ) {
    for (const [deviceId, dates] of Object.entries(state?.devices ?? {})) {
      const cells = new Map<number, DeviceDayCell>();
      for (const [date, cell] of Object.entries(dates)) cells.set(epochDay(date), cell);
      // a smaller LAMBDA_IOT_REALTIME_DAYS than the checkpoint's: drop what now lies outside the window
      this.evictBefore(deviceId, cells, Math.max(...cells.keys()) - options.days + 1);
      this.devices.set(deviceId, cells);
    }
  }

  /** Counts a reading (its event time in epoch ms, when already parsed) in its device-day row, unless it is late. */
  add(reading: Telemetry, eventMs = Date.parse(reading.timestamp)): ViewUpdate {
    const day = dayOf(eventMs);
    let cells = this.devices.get(reading.device_id);
    if (!cells) {
      cells = new Map();
      this.devices.set(reading.device_id, cells);
    }
    const newest = cells.size > 0 ? Math.max(...cells.keys()) : day;
    if (day <= newest - this.options.days) return { late: true };
    if (day > newest) this.evictBefore(reading.device_id, cells, day - this.options.days + 1);
    const health = computeCompositeHealthScore(reading);
    const vibrating = reading.vibration > this.options.vibrationThreshold ? 1 : 0;
    const cell = cells.get(day);
    if (!cell) {
      cells.set(day, {
        readings: 1,
        energy_hundredths: Math.round(reading.energy_usage * 100),
        max_temp: reading.temperature,
        min_health_score: health,
        vibration_anomalies: vibrating,
        signal_sum: reading.signal_strength,
        newest_ms: eventMs,
      });
    } else {
      cell.readings += 1;
      cell.energy_hundredths += Math.round(reading.energy_usage * 100);
      cell.max_temp = Math.max(cell.max_temp, reading.temperature);
      cell.min_health_score = Math.min(cell.min_health_score, health);
      cell.vibration_anomalies += vibrating;
      cell.signal_sum += reading.signal_strength;
      cell.newest_ms = Math.max(cell.newest_ms, eventMs);
    }
    const key = changeKey(reading.device_id, day);
    if (!this.changed.has(key)) this.changed.set(key, { deviceId: reading.device_id, day });
    return { date: dateOfEpochDay(day) };
  }

  /**
   * The rows changed since the previous call (each once, in order of first change), with their current
   * values; a row evicted meanwhile comes with its value at eviction, so no change is ever lost.
   */
  takeChanges(): DeviceDayHealth[] {
    const out: DeviceDayHealth[] = [];
    for (const { deviceId, day, evicted } of this.changed.values()) {
      const cell = this.devices.get(deviceId)?.get(day);
      const row = evicted ?? (cell && toRow(deviceId, dateOfEpochDay(day), cell));
      if (row) out.push(row);
    }
    this.changed.clear();
    return out;
  }

  /** The current row of a device-day, or undefined when the view does not hold it. */
  row(deviceId: string, date: string): DeviceDayHealth | undefined {
    const cell = this.devices.get(deviceId)?.get(epochDay(date));
    return cell && toRow(deviceId, date, cell);
  }

  /** Every row the view holds, by device then date. */
  rows(): DeviceDayHealth[] {
    const out: DeviceDayHealth[] = [];
    for (const [deviceId, cells] of this.devices)
      for (const [day, cell] of [...cells].sort((a, b) => a[0] - b[0]))
        out.push(toRow(deviceId, dateOfEpochDay(day), cell));
    return out;
  }

  /** The view's state, for a checkpoint. */
  snapshot(): DeviceDayViewState {
    const devices: DeviceDayViewState['devices'] = {};
    for (const [deviceId, cells] of this.devices) {
      const dates: Record<string, DeviceDayCell> = {};
      for (const [day, cell] of [...cells].sort((a, b) => a[0] - b[0]))
        dates[dateOfEpochDay(day)] = { ...cell };
      devices[deviceId] = dates;
    }
    return { devices };
  }

  private evictBefore(deviceId: string, cells: Map<number, DeviceDayCell>, firstKept: number): void {
    for (const [day, cell] of cells) {
      if (day >= firstKept) continue;
      const pending = this.changed.get(changeKey(deviceId, day));
      if (pending) pending.evicted = toRow(deviceId, dateOfEpochDay(day), cell);
      cells.delete(day);
    }
  }
}

const changeKey = (deviceId: string, day: number) => `${day}\u0000${deviceId}`;

/** A cell as a published row: avg_energy rounded half away from zero from the exact sum, like the batch's round(avg, 2). */
function toRow(deviceId: string, date: string, cell: DeviceDayCell): DeviceDayHealth {
  return {
    device_id: deviceId,
    date,
    readings: cell.readings,
    avg_energy: roundQuotientHalfAwayFromZero(cell.energy_hundredths, cell.readings) / 100,
    max_temp: cell.max_temp,
    min_health_score: cell.min_health_score,
    vibration_anomalies: cell.vibration_anomalies,
    avg_signal_strength: cell.signal_sum / cell.readings,
    newest_event_time: formatUtc(cell.newest_ms),
  };
}
