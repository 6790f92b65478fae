/** Text formatters shared by the CLI, the notebooks' tables and the rule-tuning reports. */

/**
 * A share in [0, 1] as a percentage with one decimal; `ifMissing` for null (default "n/a").
 * @example formatPercent(0.4167); // "41.7 %"
 * @example formatPercent(null, null); // null (a table cell left empty)
 */
export function formatPercent(share: number | null): string;
export function formatPercent(share: number | null, ifMissing: string | null): string | null;
export function formatPercent(share: number | null, ifMissing: string | null = 'n/a'): string | null {
  return share === null ? ifMissing : `${(share * 100).toFixed(1)} %`;
}

/** A count with thousands separators, rounded to an integer, e.g. 100800 → "100,800". */
export function formatCount(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

/** Bytes in binary units, e.g. 1186684 → "1.1 MiB". */
export function formatBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = n;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${n} B` : `${value.toFixed(1)} ${units[unit]}`;
}
