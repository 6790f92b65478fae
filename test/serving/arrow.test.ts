import { describe, expect, it } from 'vitest';
import { toArrow } from '../../src/serving/arrow.js';

describe('toArrow', () => {
  it('types columns: BIGINT → Int64, DATE → DateDay, TIMESTAMP → TimestampMicrosecond UTC, DOUBLE, VARCHAR, BOOLEAN', async () => {
    const table = await toArrow({
      columns: [
        { name: 'n', type: 'BIGINT' },
        { name: 'date', type: 'DATE' },
        { name: 'ts', type: 'TIMESTAMP' },
        { name: 'score', type: 'DOUBLE' },
        { name: 'device_id', type: 'VARCHAR' },
        { name: 'ok', type: 'BOOLEAN' },
      ],
      rows: [
        {
          n: '9007199254740993',
          date: '2025-04-01',
          ts: '2025-04-01T12:30:00.5Z',
          score: 0.61,
          device_id: "o'brien",
          ok: true,
        },
        { n: null, date: null, ts: null, score: null, device_id: null, ok: null },
      ],
    });
    expect(table.numRows).toBe(2);
    const type = (name: string) => table.schema.fields.find((f) => f.name === name)!.type.toString();
    expect(type('n')).toBe('Int64');
    expect(type('date')).toBe('Date32<DAY>');
    expect(type('ts')).toMatch(/^Timestamp<MICROSECOND, UTC>$/);
    expect(type('score')).toBe('Float64');
    expect(type('device_id')).toBe('Utf8');
    const first = table.get(0)!.toJSON();
    expect(first.device_id).toBe("o'brien");
    expect(table.getChild('n')!.get(0)).toBe(9007199254740993n);
    expect(first.score).toBe(0.61);
    expect(table.getChild('ts')!.get(0)).toBe(Date.parse('2025-04-01T12:30:00.5Z'));
    expect(table.getChild('date')!.get(0)).toBe(Date.UTC(2025, 3, 1));
    expect(table.get(1)!.toJSON().device_id).toBeNull();
  });
});
