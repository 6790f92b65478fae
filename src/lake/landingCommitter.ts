import type { TopicPartitionOffset } from '../bus/port.js';
import { partitionKey } from './landedOffsets.js';
import type { OpenFileBuffer } from './openFiles.js';
import type { RawFileWriter } from './rawFileWriter.js';

/**
 * The landing sink's offset committer, as runConsumeLoop's `committable` hook: first every file started is
 * made durable and the dead letters so far are acknowledged; then each partition may be committed up to
 * what it handled, but never past the first offset of its still-open file, so the committed offset is the
 * minimum of what is durable in the lake. Partitions that handled nothing stay where the resume put them
 * (committing that position when it moved past the group's offset).
 * @example runConsumeLoop({ consumer, handle, committable: landingCommittable(writer, files, resumed), committed });
 */
export function landingCommittable(
  writer: Pick<RawFileWriter, 'settle'>,
  files: Pick<OpenFileBuffer, 'firstOpenOffset'>,
  resumed: readonly TopicPartitionOffset[],
): (handled: TopicPartitionOffset[]) => Promise<TopicPartitionOffset[]> {
  return async (handled) => {
    await writer.settle();
    const next = new Map(resumed.map((p) => [partitionKey(p.topic, p.partition), p]));
    for (const p of handled) next.set(partitionKey(p.topic, p.partition), p);
    return [...next.values()].map((p) => ({
      topic: p.topic,
      partition: p.partition,
      offset: files.firstOpenOffset(p.topic, p.partition) ?? p.offset,
    }));
  };
}
