import path from 'node:path';
import type { Log, ProduceRecord } from '../bus/port.js';
import type { Config } from '../config/config.js';
import { topicName } from '../config/names.js';
import { PlantSimulator, type Profile, writeGroundTruth } from '../ingest/index.js';
import { formatUtc } from '../time/utcTime.js';

export interface SimulateLiveOptions {
  log: Log;
  config: Config;
  devices: number;
  seed: number;
  /** Readings per second for the whole plant. */
  ratePerSecond: number;
  profile: Profile;
  /** Stop after this long; default: until `signal` aborts. */
  durationMs?: number;
  signal?: AbortSignal;
  /** Called after every produced batch. */
  onBatch?: (totals: { telemetry: number; events: number }, simulatedUntil: number) => void;
}

export interface SimulateLiveResult {
  telemetry: number;
  events: number;
  failures: number;
  fromMs: number;
  toMs: number;
  groundTruthDir: string;
}

/**
 * Streams a plant in real time: event times follow the wall clock, and each device reads every
 * devices / rate seconds. Runs until the duration ends or the signal aborts, then writes ground truth
 * to data dir/ground-truth/live-<start>/.
 * @example await simulateLive({ log, config, devices: 10, seed: 1, ratePerSecond: 10, profile: 'degrading', signal });
 */
export async function simulateLive(options: SimulateLiveOptions): Promise<SimulateLiveResult> {
  const { log, config } = options;
  const fromMs = Math.floor(Date.now() / 1000) * 1000;
  const toMs = options.durationMs === undefined ? Number.MAX_SAFE_INTEGER : fromMs + options.durationMs;
  const cadenceMs = Math.max(1, Math.round((options.devices * 1000) / options.ratePerSecond));
  const simulator = new PlantSimulator({
    devices: options.devices,
    seed: options.seed,
    fromMs,
    toMs,
    cadenceMs,
    profile: options.profile,
  });
  const topics = { telemetry: topicName(config, 'telemetry'), events: topicName(config, 'events') };
  const totals = { telemetry: 0, events: 0 };
  let until = fromMs;
  while (!options.signal?.aborted && until < toMs) {
    until = Math.min(Date.now(), toMs);
    const batch: Record<'telemetry' | 'events', ProduceRecord[]> = { telemetry: [], events: [] };
    for (const m of simulator.advance(until)) {
      batch[m.topic].push({ key: m.key, value: JSON.stringify(m.value), timestamp: m.timestamp });
    }
    for (const kind of ['telemetry', 'events'] as const) {
      if (batch[kind].length > 0) await log.produce(topics[kind], batch[kind]);
      totals[kind] += batch[kind].length;
    }
    options.onBatch?.({ ...totals }, until);
    if (until < toMs) await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const dir = path.join(config.dataDir, 'ground-truth', `live-${formatUtc(fromMs).replace(/[-:]/g, '')}`);
  writeGroundTruth(dir, simulator.truth);
  return { ...totals, failures: simulator.truth.failures.length, fromMs, toMs: until, groundTruthDir: dir };
}
