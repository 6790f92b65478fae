import { COMPONENTS, EVENT_TYPES, type MachineEvent, PARTS, ROOT_CAUSES } from '../schema/events.js';
import { formatUtc, HOUR_MS, SECOND_MS } from '../time/utcTime.js';
import { Random, roundTo } from '../util/random.js';
import type { PlantModel } from './plantModel.js';
import { nameDevice, type SimulatedMessage, type SimulationOptions } from './simulationOptions.js';
import type { TruthRecorder } from './truthRecorder.js';

const SEVERITIES = ['low', 'medium', 'high'] as const;
/** The random stream of the reference plant (degrading devices use streams 1..N). */
const REFERENCE_STREAM = 0;

/**
 * The 'reference' plant: the reference generator's independent noise, reproduced (SEED-FACTS). One reading
 * per second in total from a uniformly chosen device, and with p = 0.1 an event for that device at the same
 * instant. `cadenceMs` is ignored; readings carry no precursor of failures (that is the reference's defect).
 */
export class ReferencePlant implements PlantModel {
  private readonly rng: Random;
  private readonly deviceIds: string[];

  constructor(options: SimulationOptions) {
    this.rng = new Random(options.seed, REFERENCE_STREAM);
    this.deviceIds = Array.from({ length: options.devices }, (_, i) => nameDevice(i + 1));
  }

  simulateHour(startMs: number, out: SimulatedMessage[], truth: TruthRecorder): void {
    const rng = this.rng;
    for (let t = startMs; t < startMs + HOUR_MS; t += SECOND_MS) {
      const deviceId = this.deviceIds[rng.drawInt(0, this.deviceIds.length - 1)]!;
      const stamp = formatUtc(t);
      const vibration = rng.drawUniform(0.1, 2.0) + (rng.drawChance(0.05) ? 3.0 : 0);
      out.push({
        topic: 'telemetry',
        key: deviceId,
        timestamp: t,
        value: {
          device_id: deviceId,
          timestamp: stamp,
          energy_usage: roundTo(rng.drawUniform(0.5, 5.0), 2),
          temperature: roundTo(rng.drawUniform(18, 30), 1),
          vibration: roundTo(vibration, 1),
          signal_strength: rng.drawInt(70, 100),
        },
      });
      if (!rng.drawChance(0.1)) continue;
      const event = this.drawEvent(deviceId, stamp);
      out.push({ topic: 'events', key: deviceId, timestamp: t, value: event });
      if (event.event_type === 'failure') {
        truth.recordFailure(t, {
          device_id: deviceId,
          timestamp: stamp,
          component: event.component,
          root_cause: event.root_cause,
          health: null,
          mode: null,
        });
      }
    }
  }

  private drawEvent(deviceId: string, stamp: string): MachineEvent {
    const rng = this.rng;
    const eventType = rng.pickWeighted(EVENT_TYPES, [0.1, 0.3, 0.6]);
    const common = { device_id: deviceId, event_timestamp: stamp, event_type: eventType };
    const severity = rng.pickOne(SEVERITIES);
    switch (eventType) {
      case 'failure':
        return {
          ...common,
          event_type: eventType,
          severity,
          error_code: `ERR${rng.drawInt(1000, 1999)}`,
          component: rng.pickOne(COMPONENTS),
          root_cause: rng.pickOne(ROOT_CAUSES),
        };
      case 'maintenance':
        return {
          ...common,
          event_type: eventType,
          severity,
          technician: `tech-${rng.drawInt(1, 20)}`,
          duration_min: rng.drawInt(15, 240),
          parts_replaced: rng.pickOne(PARTS),
        };
      default:
        return {
          ...common,
          event_type: 'inspection',
          severity,
          status: rng.pickWeighted(['passed', 'failed'] as const, [2, 1]),
          next_inspection_days: rng.drawInt(7, 30),
        };
    }
  }
}
