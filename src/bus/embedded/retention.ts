import type Database from 'better-sqlite3';

export interface RetentionResult {
  /** Messages deleted, all partitions. */
  deleted: number;
}

interface PartitionRow {
  topic: string;
  partition: number;
  start_offset: number;
  end_offset: number;
  size_bytes: number;
}

/**
 * Deletes the oldest messages of each partition that were appended before `cutoffAppendTime`, then
 * the oldest ones beyond `maxBytesPerPartition`. Only a prefix of a partition is ever deleted, so offsets
 * stay contiguous; start_offset moves forward.
 */
export function enforceRetention(
  db: Database.Database,
  limits: { cutoffAppendTime: number; maxBytesPerPartition: number },
): RetentionResult {
  let deleted = 0;
  const partitions = db.prepare('select * from partitions').all() as PartitionRow[];
  const firstKept = db.prepare(
    'select min(offset) as o from messages where topic = ? and partition = ? and append_time >= ?',
  );
  const sizes = db.prepare(
    'select offset, length(value) + ifnull(length(cast(key as blob)), 0) as bytes from messages where topic = ? and partition = ? and offset >= ? order by offset limit 2000',
  );
  const sizeBefore = db.prepare(
    'select ifnull(sum(length(value) + ifnull(length(cast(key as blob)), 0)), 0) as bytes from messages where topic = ? and partition = ? and offset < ?',
  );
  const remove = db.prepare('delete from messages where topic = ? and partition = ? and offset < ?');
  const update = db.prepare(
    'update partitions set start_offset = ?, size_bytes = size_bytes - ? where topic = ? and partition = ?',
  );
  const reread = db.prepare('select * from partitions where topic = ? and partition = ?');
  for (const listed of partitions) {
    db.transaction(() => {
      const p = reread.get(listed.topic, listed.partition) as PartitionRow;
      if (p.start_offset >= p.end_offset) return;
      const kept = firstKept.get(p.topic, p.partition, limits.cutoffAppendTime) as { o: number | null };
      let cut = kept.o ?? p.end_offset;
      const bytesBefore = (offset: number) =>
        offset > p.start_offset
          ? (sizeBefore.get(p.topic, p.partition, offset) as { bytes: number }).bytes
          : 0;
      let size = p.size_bytes - bytesBefore(cut);
      while (size > limits.maxBytesPerPartition && cut < p.end_offset) {
        const rows = sizes.all(p.topic, p.partition, cut) as { offset: number; bytes: number }[];
        if (rows.length === 0) break;
        for (const row of rows) {
          if (size <= limits.maxBytesPerPartition) break;
          size -= row.bytes;
          cut = row.offset + 1;
        }
      }
      if (cut <= p.start_offset) return;
      const removedBytes = bytesBefore(cut);
      deleted += remove.run(p.topic, p.partition, cut).changes;
      update.run(cut, removedBytes, p.topic, p.partition);
    }).immediate();
  }
  return { deleted };
}
