import { escapeControl } from './escapeControl.js';

/** One table row: an object whose own fields are the columns (interfaces fit, unlike Record<string, unknown>). */
export type TableRow = object;

const cellValue = (row: TableRow, column: string): unknown => (row as Record<string, unknown>)[column];

/**
 * A cell value as text: numbers with thousands separators and at most 3 decimals, null as "–".
 * @example formatCell(20160); // "20,160"
 * @example formatCell(2.41234); // "2.412"
 */
export function formatCell(value: unknown): string {
  if (value === null || value === undefined) return '–';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return String(value);
    return value.toLocaleString('en-US', { maximumFractionDigits: 3 });
  }
  if (typeof value === 'string') return value;
  return JSON.stringify(value);
}

function columnsOf(rows: readonly TableRow[]): string[] {
  const columns = new Set<string>();
  for (const row of rows) for (const key of Object.keys(row)) columns.add(key);
  return [...columns];
}

const escapeHtml = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/**
 * Rows as an HTML table (values escaped; numbers right-aligned).
 * @example formatHtmlTable([{ topic: 'iot-telemetry', messages: 201600 }]);
 */
export function formatHtmlTable(rows: readonly TableRow[], title?: string): string {
  const columns = columnsOf(rows);
  const head = columns.map((c) => `<th>${escapeHtml(c)}</th>`).join('');
  const body = rows
    .map((row) => {
      const cells = columns.map((c) => {
        const value = cellValue(row, c);
        const align = typeof value === 'number' ? ' style="text-align:right"' : '';
        return `<td${align}>${escapeHtml(formatCell(value))}</td>`;
      });
      return `<tr>${cells.join('')}</tr>`;
    })
    .join('\n');
  const caption = title
    ? `<caption style="text-align:left;font-weight:bold">${escapeHtml(title)}</caption>`
    : '';
  return `<table>${caption}<thead><tr>${head}</tr></thead>\n<tbody>\n${body}\n</tbody></table>`;
}

/**
 * Rows as an aligned plain-text table (for terminals and exported scripts); control characters in names and
 * values are escaped (see escapeControl).
 * @example console.log(formatTextTable([{ topic: 'iot-telemetry', messages: 201600 }]));
 */
export function formatTextTable(rows: readonly TableRow[], title?: string): string {
  const keys = columnsOf(rows);
  const columns = keys.map(escapeControl);
  const cells = rows.map((row) => keys.map((c) => escapeControl(formatCell(cellValue(row, c)))));
  const widths = columns.map((c, i) => Math.max(c.length, ...cells.map((r) => r[i]!.length)));
  const numeric = keys.map((c) => rows.some((row) => typeof cellValue(row, c) === 'number'));
  const line = (values: string[]) =>
    values
      .map((v, i) => (numeric[i] ? v.padStart(widths[i]!) : v.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  const lines = [line(columns), widths.map((w) => '─'.repeat(w)).join('  '), ...cells.map(line)];
  return `${title ? `${escapeControl(title)}\n` : ''}${lines.join('\n')}`;
}
