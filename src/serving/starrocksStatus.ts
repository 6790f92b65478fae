/**
 * Health of the StarRocks serving layer, parsed from `SHOW ALL ROUTINE LOAD` and `SHOW MATERIALIZED VIEWS`
 * rows. Columns are read by name (their order and number change across StarRocks versions), values are
 * VARCHAR text; message texts are surfaced as they are, never matched.
 */

/** One routine load as `serve status` reports it. */
export interface RoutineLoadState {
  name: string;
  /** NEED_SCHEDULE, RUNNING, PAUSED, UNSTABLE, STOPPED or CANCELLED. */
  state: string;
  /** True when the job has stopped loading without being told to (PAUSED, CANCELLED). */
  stopped: boolean;
  /** ReasonOfStateChanged, as StarRocks wrote it (null when empty). */
  reason: string | null;
  errorLogUrls: string | null;
  trackingSql: string | null;
  pausedAt: string | null;
  /** Last consumed offset per partition (Progress); a placeholder such as OFFSET_BEGINNING when none yet. */
  progress: Record<string, string>;
  /** Newest offset per partition in the topic (LatestSourcePosition), when this version reports it. */
  latest: Record<string, string> | null;
  /** Cumulative counters (Statistic): totalRows, loadedRows, errorRows, unselectedRows, … */
  statistic: Record<string, number>;
}

/** One asynchronous materialized view as `serve status` reports it. */
export interface MaterializedViewState {
  name: string;
  active: boolean;
  inactiveReason: string | null;
  /** PENDING, RUNNING, FAILED, SUCCESS (SKIPPED in newer versions); null before the first refresh. */
  lastRefreshState: string | null;
  lastRefreshStarted: string | null;
  lastRefreshFinished: string | null;
  lastRefreshSeconds: number | null;
  errorCode: string | null;
  errorMessage: string | null;
  rows: number | null;
}

const PROBLEM_STATES = new Set(['PAUSED', 'CANCELLED']);

/** A row's value by column name, ignoring case; SQL NULL, "", "NULL", "\N" and "<null>" read as null. */
function text(row: Record<string, unknown>, ...names: string[]): string | null {
  for (const name of names) {
    const key = Object.keys(row).find((k) => k.toLowerCase() === name.toLowerCase());
    if (key === undefined) continue;
    const value = row[key];
    if (value === null || value === undefined) return null;
    const s = String(value).trim();
    return s === '' || s === 'NULL' || s === '\\N' || s === '<null>' ? null : s;
  }
  return null;
}

function jsonObject(value: string | null): Record<string, unknown> {
  if (value === null) return {};
  try {
    const parsed = JSON.parse(value) as unknown;
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : {};
  } catch {
    return {};
  }
}

const stringMap = (o: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(o).map(([k, v]) => [k, String(v)]));

/** Parses one row of SHOW [ALL] ROUTINE LOAD. */
export function parseRoutineLoadRow(row: Record<string, unknown>): RoutineLoadState {
  const state = (text(row, 'State') ?? 'UNKNOWN').toUpperCase();
  const latest = text(row, 'LatestSourcePosition');
  const statistic: Record<string, number> = {};
  for (const [k, v] of Object.entries(jsonObject(text(row, 'Statistic', 'STATISTICS')))) {
    const n = Number(v);
    if (Number.isFinite(n)) statistic[k] = n;
  }
  return {
    name: text(row, 'Name') ?? '(unnamed)',
    state,
    stopped: PROBLEM_STATES.has(state),
    reason: text(row, 'ReasonOfStateChanged', 'REASONS_OF_STATE_CHANGED'),
    errorLogUrls: text(row, 'ErrorLogUrls', 'ERROR_LOG_URLS'),
    trackingSql: text(row, 'TrackingSQL', 'TRACKING_SQL'),
    pausedAt: text(row, 'PauseTime', 'PAUSE_TIME'),
    progress: stringMap(jsonObject(text(row, 'Progress'))),
    latest: latest === null ? null : stringMap(jsonObject(latest)),
    statistic,
  };
}

/** Parses one row of SHOW MATERIALIZED VIEWS. */
export function parseMaterializedViewRow(row: Record<string, unknown>): MaterializedViewState {
  const seconds = Number(text(row, 'last_refresh_duration'));
  const rows = Number(text(row, 'rows', 'TABLE_ROWS'));
  return {
    name: text(row, 'name', 'TABLE_NAME') ?? '(unnamed)',
    active: (text(row, 'is_active', 'IS_ACTIVE') ?? 'true').toLowerCase() === 'true',
    inactiveReason: text(row, 'inactive_reason', 'INACTIVE_REASON'),
    lastRefreshState: text(row, 'last_refresh_state', 'LAST_REFRESH_STATE')?.toUpperCase() ?? null,
    lastRefreshStarted: text(row, 'last_refresh_start_time', 'LAST_REFRESH_START_TIME'),
    lastRefreshFinished: text(row, 'last_refresh_finished_time', 'LAST_REFRESH_FINISHED_TIME'),
    lastRefreshSeconds:
      Number.isFinite(seconds) && text(row, 'last_refresh_duration') !== null ? seconds : null,
    errorCode: text(row, 'last_refresh_error_code', 'LAST_REFRESH_ERROR_CODE'),
    errorMessage: text(row, 'last_refresh_error_message', 'LAST_REFRESH_ERROR_MESSAGE'),
    rows: Number.isFinite(rows) && text(row, 'rows', 'TABLE_ROWS') !== null ? rows : null,
  };
}

/**
 * What needs a person: a kit routine load missing, paused or cancelled (with its reason, error log and the
 * offsets where it stopped), a view whose last refresh failed or that is inactive. Empty when healthy.
 */
export function servingProblems(
  loads: readonly RoutineLoadState[],
  views: readonly MaterializedViewState[],
  expected: { loads: readonly string[]; views: readonly string[] },
): string[] {
  const problems: string[] = [];
  for (const name of expected.loads) {
    const job = loads.find((l) => l.name === name);
    if (!job) problems.push(`routine load ${name}: not created (run lambda-iot serve)`);
    else if (job.stopped) {
      const offsets = Object.entries(job.progress)
        .map(([p, o]) => `partition ${p} at ${o}${job.latest?.[p] ? ` of ${job.latest[p]}` : ''}`)
        .join(', ');
      problems.push(
        `routine load ${name}: ${job.state}${job.reason ? ` — ${job.reason}` : ''}` +
          `${job.errorLogUrls ? `; error log ${job.errorLogUrls}` : ''}${offsets ? `; stopped at ${offsets}` : ''}`,
      );
    }
  }
  for (const name of expected.views) {
    const view = views.find((v) => v.name === name);
    if (!view) problems.push(`materialized view ${name}: not created (run lambda-iot serve)`);
    else if (!view.active)
      problems.push(
        `materialized view ${name}: inactive${view.inactiveReason ? ` — ${view.inactiveReason}` : ''}`,
      );
    else if (view.lastRefreshState === 'FAILED') {
      problems.push(
        `materialized view ${name}: last refresh FAILED${view.errorCode ? ` (code ${view.errorCode})` : ''}${view.errorMessage ? ` — ${view.errorMessage}` : ''}`,
      );
    }
  }
  return problems;
}
