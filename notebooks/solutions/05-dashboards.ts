// Solutions of the exercises of notebooks/05-dashboards.ipynb: for teachers, and for the notebook's last
// (hidden) cell and test/notebooks/exercises.test.ts, which check that they still solve them.
import { type Filters, parseFilters } from '../../src/index.js';

/** 05.1: the priority with the highest total estimated cost. */
export function costliestPriority(rows: readonly Record<string, unknown>[]): string {
  return String([...rows].sort((a, b) => Number(b.total_cost ?? 0) - Number(a.total_cost ?? 0))[0]!.priority);
}

/** 05.2: the filters of the last 24 hours of one device. */
export function deviceDayFilters(device: string): Filters {
  return parseFilters({ range: '24h', device: device });
}
