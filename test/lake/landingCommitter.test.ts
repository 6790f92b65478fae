import { describe, expect, it } from 'vitest';
import { landingCommittable } from '../../src/lake/landingCommitter.js';

describe('landingCommittable', () => {
  it('makes the writer durable first, then commits up to the first offset of an open file', async () => {
    const calls: string[] = [];
    const open = new Map([['t\u00000', 6]]);
    const committable = landingCommittable(
      {
        settle: async () => {
          calls.push('settle');
        },
      },
      {
        firstOpenOffset: (topic, partition) => {
          calls.push(`open ${partition}`);
          return open.get(`${topic}\u0000${partition}`);
        },
      },
      [
        { topic: 't', partition: 0, offset: 2 },
        { topic: 't', partition: 1, offset: 5 },
        { topic: 't', partition: 2, offset: 7 },
      ],
    );
    const offsets = await committable([
      { topic: 't', partition: 0, offset: 10 },
      { topic: 't', partition: 1, offset: 8 },
    ]);
    expect(calls[0]).toBe('settle');
    expect(offsets).toEqual([
      { topic: 't', partition: 0, offset: 6 }, // held at its open file
      { topic: 't', partition: 1, offset: 8 }, // everything handled is durable
      { topic: 't', partition: 2, offset: 7 }, // handled nothing: where the resume put it
    ]);
  });
});
