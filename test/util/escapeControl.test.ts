import { describe, expect, it } from 'vitest';
import { escapeControl } from '../../src/util/escapeControl.js';
import { formatTextTable } from '../../src/util/formatTable.js';

describe('escapeControl', () => {
  it('makes C0, DEL, C1, escape sequences and line separators visible', () => {
    expect(escapeControl('a\u001b[2Jb\r\n\u0007\t')).toBe('a\\x1b[2Jb\\r\\n\\x07\\t');
    expect(escapeControl('\u0000\u007f\u0085\u009b31m')).toBe('\\x00\\x7f\\x85\\x9b31m');
    expect(escapeControl('\u001b]0;title\u0007')).toBe('\\x1b]0;title\\x07');
    expect(escapeControl('x\u2028y\u202ez')).toBe('x\\u2028y\\u202ez');
  });

  it('leaves printable text alone', () => {
    const text = 'device_1 température 温度 C:\\path "quoted" 🙂';
    expect(escapeControl(text)).toBe(text);
  });

  it('is used for every name and value of a text table, keeping columns aligned', () => {
    const table = formatTextTable([
      { 'id\u0007': 'dev\u001b[2J\r\nforged', n: 1 },
      { 'id\u0007': 'ok', n: 22 },
    ]);
    const first = 'dev\\x1b[2J\\r\\nforged';
    expect(table.split('\n')).toEqual([
      `${'id\\x07'.padEnd(first.length)}   n`,
      `${'─'.repeat(first.length)}  ──`,
      `${first}   1`,
      `${'ok'.padEnd(first.length)}  22`,
    ]);
    for (const line of table.split('\n')) expect(line).not.toMatch(/\p{Cc}/u);
  });
});
