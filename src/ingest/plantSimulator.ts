import { InvalidArgumentError } from '../errors.js';
import { HOUR_MS } from '../time/utcTime.js';
import { DegradingPlant } from './degradingPlant.js';
import { describeRun, type GroundTruth } from './groundTruth.js';
import type { PlantModel } from './plantModel.js';
import { ReferencePlant } from './referencePlant.js';
import {
  type SimulatedMessage,
  type SimulationOptions,
  validateSimulationOptions,
} from './simulationOptions.js';
import { TruthRecorder } from './truthRecorder.js';

function compareTimestamps(a: SimulatedMessage, b: SimulatedMessage): number {
  return a.timestamp - b.timestamp;
}

/**
 * A seeded, deterministic plant. It simulates whole hours at a time (so the messages never depend on how
 * the run is chunked) and yields them in time order; ties go in device order, telemetry before events.
 * It never reads the wall clock: live mode passes the clock in through advance().
 */
export class PlantSimulator {
  /** Ground truth of everything before the latest fully consumed advance() limit. */
  readonly truth: GroundTruth;
  private readonly options: SimulationOptions;
  private readonly model: PlantModel;
  private readonly recorder: TruthRecorder;
  private hour: SimulatedMessage[] = [];
  private position = 0;
  private nextHourMs: number;

  /**
   * @example const plant = new PlantSimulator({ devices: 10, seed: 1, fromMs: DEFAULT_FROM_MS, toMs: Infinity, cadenceMs: 60_000, profile: 'degrading' });
   */
  constructor(options: SimulationOptions) {
    this.options = { ...validateSimulationOptions(options) };
    this.model =
      this.options.profile === 'reference'
        ? new ReferencePlant(this.options)
        : new DegradingPlant(this.options);
    this.truth = {
      run: describeRun(this.options),
      health: [],
      failures: [],
      maintenances: [],
      inspections: [],
    };
    this.recorder = new TruthRecorder(this.truth);
    this.nextHourMs = this.options.fromMs;
  }

  /**
   * Yields every message with timestamp < untilMs (and < toMs) not yet yielded, in time order. Call it
   * again with a later untilMs to continue; live mode calls it with the wall clock.
   * @example for (const m of plant.advance(Date.now())) await producer.send(m);
   */
  *advance(untilMs: number): Generator<SimulatedMessage> {
    if (Number.isNaN(untilMs)) {
      throw new InvalidArgumentError('simulation advance: untilMs is NaN', { context: { untilMs } });
    }
    const limitMs = Math.min(untilMs, this.options.toMs);
    for (;;) {
      const hour = this.hour;
      while (this.position < hour.length) {
        const message = hour[this.position]!;
        if (message.timestamp >= limitMs) {
          this.recorder.releaseBefore(limitMs);
          return;
        }
        this.position++;
        yield message;
      }
      if (this.nextHourMs >= limitMs) break;
      this.hour = [];
      this.position = 0;
      this.model.simulateHour(this.nextHourMs, this.hour, this.recorder);
      this.hour.sort(compareTimestamps);
      this.nextHourMs += HOUR_MS;
    }
    this.recorder.releaseBefore(limitMs);
  }
}

/**
 * Every message of [fromMs, toMs), in time order, as fast as it can be generated (event time, no pacing).
 * @example for (const m of simulateHistory({ devices: 3, seed: 1, fromMs, toMs, cadenceMs: 60_000, profile: 'degrading' })) console.log(m.value);
 */
export function simulateHistory(options: SimulationOptions): Generator<SimulatedMessage> {
  if (!Number.isFinite(options.toMs)) {
    throw new InvalidArgumentError('simulation option toMs: history needs a finite end', {
      context: { option: 'toMs', value: options.toMs },
    });
  }
  return new PlantSimulator(options).advance(options.toMs);
}
