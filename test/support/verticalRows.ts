import fs from 'node:fs';

/**
 * Rows of a MySQL client's vertical output (`\G`) as saved from the StarRocks documentation: `Key: value`
 * lines (mysql) or `key | value` lines (mycli, which prints NULL as <null>); a line without a key continues
 * the previous value. Lines starting with # (the fixture's provenance note) are skipped.
 */
export function readVerticalRows(file: string): Record<string, string>[] {
  const rows: Record<string, string>[] = [];
  let row: Record<string, string> | undefined;
  let last: string | undefined;
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    if (line.startsWith('#') || /^\S+ \[?\S*\]?> /.test(line) || /^\d+ rows? in set/.test(line)) continue;
    if (/^\*+\[? ?\d+\. row ?\]?\*+$/.test(line.trim())) {
      row = {};
      rows.push(row);
      last = undefined;
      continue;
    }
    if (!row) continue;
    const match = /^\s*([A-Za-z_]+)(?::| +\|)(?: (.*))?$/.exec(line);
    if (match) {
      last = match[1]!;
      row[last] = match[2] ?? '';
    } else if (last !== undefined && line !== '') row[last] += `\n${line}`;
  }
  return rows;
}
