/**
 * Kafka's default partitioner for keyed messages: murmur2 of the key bytes, made positive, modulo the
 * partition count. Using the same function as the Java client and kafkajs keeps a device on the same
 * partition number in the embedded log and on a Kafka broker.
 */
export function murmur2(data: Uint8Array): number {
  const seed = 0x9747b28c;
  const m = 0x5bd1e995;
  const r = 24;
  const length = data.length;
  let h = seed ^ length;
  const length4 = length >>> 2;
  for (let i = 0; i < length4; i++) {
    const i4 = i * 4;
    let k =
      (data[i4]! & 0xff) |
      ((data[i4 + 1]! & 0xff) << 8) |
      ((data[i4 + 2]! & 0xff) << 16) |
      ((data[i4 + 3]! & 0xff) << 24);
    k = Math.imul(k, m);
    k ^= k >>> r;
    k = Math.imul(k, m);
    h = Math.imul(h, m);
    h ^= k;
  }
  const tail = length & ~3;
  switch (length % 4) {
    // biome-ignore lint/suspicious/noFallthroughSwitchClause: murmur2 tail mixing falls through by design
    case 3:
      h ^= (data[tail + 2]! & 0xff) << 16;
    // biome-ignore lint/suspicious/noFallthroughSwitchClause: murmur2 tail mixing falls through by design
    case 2:
      h ^= (data[tail + 1]! & 0xff) << 8;
    case 1:
      h ^= data[tail]! & 0xff;
      h = Math.imul(h, m);
  }
  h ^= h >>> 13;
  h = Math.imul(h, m);
  h ^= h >>> 15;
  return h | 0;
}

/** Partition of a key among `partitions`, as Kafka's default partitioner computes it. */
export function partitionForKey(key: string, partitions: number): number {
  return (murmur2(Buffer.from(key, 'utf8')) & 0x7fffffff) % partitions;
}
