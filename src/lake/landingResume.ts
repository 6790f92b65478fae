import type { Consumer, Log, TopicPartitionOffset } from '../bus/port.js';
import { partitionKey } from './landedOffsets.js';
import type { OffsetRange } from './landingGaps.js';

/** Where a partition's landing started, and why there. */
export interface LandingResume {
  topic: string;
  partition: number;
  /** Next offset after the lake's newest file of this partition (undefined: nothing landed yet). */
  lake?: number;
  /** The group's committed offset (or the oldest retained offset when nothing was committed). */
  committed: number;
  /** Where landing started: the further of the two (see runLandingSink), or the first range landed again. */
  offset: number;
  /** Ranges below the lake's newest file landed again (a rejected file, a gap with --ignore-committed). */
  refill?: OffsetRange[];
}

export interface ResumeOptions {
  /** Next offset to land per partition, from the lake's file names (readLandedOffsets). */
  lakeNext: Map<string, number>;
  /** Start where the lake ends, ignoring the group's committed offsets. */
  ignoreCommitted?: boolean;
  warn: (message: string) => void;
}

/**
 * Moves each partition of a landing consumer to where landing resumes: after the further of the lake's
 * newest file and the group's committed offset (only the lake with `ignoreCommitted`), never before the
 * oldest retained offset. A lake ahead of the log's end (a reset log) is ignored with a warning. Returns
 * where each partition resumed and the end offsets seen now.
 * @example const { resumed, ends } = await resumeLanding(consumer, log, topics, { lakeNext: landed.next, warn });
 */
export async function resumeLanding(
  consumer: Consumer,
  log: Log,
  topics: readonly string[],
  options: ResumeOptions,
): Promise<{ resumed: LandingResume[]; ends: TopicPartitionOffset[] }> {
  const { warn } = options;
  const ends: TopicPartitionOffset[] = [];
  const partitions = new Map<string, { start: number; end: number }>();
  for (const topic of topics) {
    for (const p of await log.partitionOffsets(topic)) {
      partitions.set(partitionKey(topic, p.partition), { start: p.startOffset, end: p.endOffset });
      ends.push({ topic, partition: p.partition, offset: p.endOffset });
    }
  }
  const resumed: LandingResume[] = [];
  for (const position of consumer.positions()) {
    const key = partitionKey(position.topic, position.partition);
    const bounds = partitions.get(key) ?? { start: 0, end: position.offset };
    let lake = options.lakeNext.get(key);
    if (lake !== undefined && lake > bounds.end) {
      warn(
        `the lake holds ${position.topic} partition ${position.partition} up to offset ${lake - 1}, beyond the log's end ` +
          `(${bounds.end}): was the log reset? Landing from the committed offset; files with the same name are replaced.`,
      );
      lake = undefined;
    }
    const committed = position.offset;
    if (lake !== undefined && lake < bounds.start) {
      warn(
        `${position.topic} partition ${position.partition}: offsets ${lake}–${bounds.start - 1} left the log (retention) ` +
          'before they were landed; landing continues from the oldest retained offset.',
      );
    }
    let offset = options.ignoreCommitted ? (lake ?? bounds.start) : Math.max(lake ?? 0, committed);
    offset = Math.max(offset, bounds.start);
    if (offset !== committed) consumer.seek({ ...position, offset });
    resumed.push({ topic: position.topic, partition: position.partition, lake, committed, offset });
  }
  return { resumed, ends };
}

/** The warning for keys under raw/ that do not follow the landing pattern, or undefined when there are none. */
export function foreignFilesWarning(foreign: readonly string[]): string | undefined {
  if (foreign.length === 0) return undefined;
  const shown = foreign.slice(0, 3).join(', ');
  return (
    `${foreign.length} file(s) under raw/ do not follow the landing pattern and are ignored when resuming ` +
    `(the batch layer still reads them): ${shown}${foreign.length > 3 ? ', …' : ''}`
  );
}
