// Solutions of the exercises of notebooks/01-ingestion.ipynb: for teachers, and for the notebook's last
// (hidden) cell and test/notebooks/exercises.test.ts, which check that they still solve them.
import type { DeviceSummary, TopicSummary } from '../../src/index.js';

/** 01.1: the device with the most failures (the first of them on a tie). */
export function mostFailures(devices: readonly DeviceSummary[]): string {
  return [...devices].sort((a, b) => b.failures - a.failures)[0]!.device_id;
}

/** 01.2: the messages a topic holds: its partitions' end offsets added up. */
export function topicMessages(topics: readonly TopicSummary[], topic: string): number {
  return topics.find((t) => t.topic === topic)!.partitions.reduce((n, p) => n + p.endOffset, 0);
}
