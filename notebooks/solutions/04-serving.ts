// Solutions of the exercises of notebooks/04-serving.ipynb: for teachers, and for the notebook's last (hidden)
// cell and test/notebooks/exercises.test.ts, which check that they still solve them.

type Row = Record<string, unknown>;

/** 04.1: the dates whose rows come from the real-time view, sorted. */
export function realtimeDates(rows: readonly Row[]): string[] {
  const dates = rows.filter((r) => r.source === 'realtime').map((r) => String(r.date).slice(0, 10));
  return [...new Set(dates)].sort();
}

/** 04.2: the most critical device on the newest date. */
export function mostCriticalToday(rows: readonly Row[]): string {
  const newest = rows
    .map((r) => String(r.date).slice(0, 10))
    .sort()
    .at(-1);
  const today = rows.filter((r) => String(r.date).slice(0, 10) === newest);
  return String(
    today.sort((a, b) => Number(b.criticality_score ?? 0) - Number(a.criticality_score ?? 0))[0]!.device_id,
  );
}
