import { createHash } from 'node:crypto';
import path from 'node:path';
import type { TopicPartitionOffset } from '../bus/port.js';
import type { Config } from '../config/config.js';
import { readJsonIfExists, writeFileAtomic } from '../util/atomicFile.js';
import type { DeviceDayViewState } from './deviceDayView.js';
import type { EngineState } from './ruleEngine.js';

/** The speed layer's state together with the input offsets it reflects (written before offsets are committed). */
export interface SpeedCheckpoint {
  group: string;
  /** name@version of the rule set that built the state. */
  rules: string;
  /** Next input offset per partition: everything before it is reflected in `state`. */
  offsets: TopicPartitionOffset[];
  state: EngineState;
  /** The real-time device-day view (absent in checkpoints written before it existed: the view starts empty). */
  view?: DeviceDayViewState;
  /** Operational wall-clock time. */
  written_at: string;
}

/**
 * Where a group's checkpoint lives: under the data directory, one file per group and log, `logKey` naming
 * the log by its identity (describeLogIdentity).
 */
export function checkpointFile(config: Pick<Config, 'dataDir'>, group: string, logKey: string): string {
  const target = createHash('sha256').update(logKey).digest('hex').slice(0, 8);
  return path.join(config.dataDir, 'speed', `${group}-${target}.checkpoint.json`);
}

export function readCheckpoint(file: string): SpeedCheckpoint | undefined {
  return readJsonIfExists<SpeedCheckpoint>(file);
}

export function writeCheckpoint(file: string, checkpoint: SpeedCheckpoint): void {
  writeFileAtomic(file, JSON.stringify(checkpoint));
}

/** Offsets after a batch: the previous ones, advanced by the batch's next offsets. */
export function mergeOffsets(
  previous: TopicPartitionOffset[],
  next: TopicPartitionOffset[],
): TopicPartitionOffset[] {
  const key = (o: TopicPartitionOffset) => `${o.topic}\u0000${o.partition}`;
  const merged = new Map(previous.map((o) => [key(o), { ...o }]));
  for (const o of next) {
    const current = merged.get(key(o));
    if (!current || o.offset > current.offset) merged.set(key(o), { ...o });
  }
  return [...merged.values()].sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition);
}
