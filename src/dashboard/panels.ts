import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { InvalidArgumentError, KitError } from '../errors.js';
import type { QueryParams, Serving } from '../serving/port.js';
import { kitPath } from '../util/projectRoot.js';
import {
  type PanelRows,
  panelAlertList,
  panelAnomaliesPerMinute,
  panelAnomalyHeatmap,
  panelAnomalyTypeSeverity,
  panelCostWaterfall,
  panelCriticalityByDay,
  panelDeviceHealth,
  panelDeviceMaintenance,
  panelFailureRiskTrend,
  panelFreshness,
  panelMaintenancePriority,
  panelMaintenanceTimeline,
  panelPendingBySeverity,
} from '../viz/panels/index.js';
import type { ChartSpec } from '../viz/render.js';

/** One dashboard panel: its SQL file (sql/<dialect>/panels/<name>.sql), its builder and what it answers. */
export interface PanelDef {
  name: string;
  /** The question an operator asks it. */
  question: string;
  /** 'main': the plant page; 'device': the device page (needs a device). */
  page: 'main' | 'device';
  build(rows: PanelRows): ChartSpec;
  /** Rows computed from the query's (e.g. a lag). */
  post?(rows: Record<string, unknown>[]): Record<string, unknown>[];
}

const minutesBetween = (a: string, b: string) => Math.round((Date.parse(a) - Date.parse(b)) / 6_000) / 10;

/** Every panel, in page order. */
export const PANELS: readonly PanelDef[] = [
  {
    name: 'freshness',
    question: 'How fresh is each source (anomalies, real-time, batch), and how far behind is it?',
    page: 'main',
    build: panelFreshness,
    post: (rows) => {
      const times = rows.map((r) => r.newest_event_time).filter((t): t is string => typeof t === 'string');
      const newest = [...times].sort().at(-1) ?? '';
      return rows.map((r) => ({
        ...r,
        lag_minutes:
          typeof r.newest_event_time === 'string' ? minutesBetween(newest, r.newest_event_time) : null,
      }));
    },
  },
  {
    name: 'maintenance_priority',
    question: 'How much maintenance is scheduled per priority, in count and cost?',
    page: 'main',
    build: panelMaintenancePriority,
  },
  {
    name: 'failure_risk_trend',
    question: "Is the plant's failure risk rising, and which device is riskiest each day?",
    page: 'main',
    build: panelFailureRiskTrend,
  },
  {
    name: 'anomaly_heatmap',
    question: 'Do hot device-days also vibrate (temperature band × vibration anomalies)?',
    page: 'main',
    build: panelAnomalyHeatmap,
  },
  {
    name: 'cost_waterfall',
    question: 'How does the estimated maintenance cost add up, priority by priority?',
    page: 'main',
    build: panelCostWaterfall,
  },
  {
    name: 'maintenance_timeline',
    question: 'Which devices need maintenance by when (P0 + 1 day, P1 + 3 days)?',
    page: 'main',
    build: panelMaintenanceTimeline,
  },
  {
    name: 'anomalies_per_minute',
    question: 'How many anomalies per minute in the last hour (before the newest anomaly served)?',
    page: 'main',
    build: panelAnomaliesPerMinute,
  },
  {
    name: 'pending_by_severity',
    question: 'Which anomalies of the last 4 h still wait for a review, by severity?',
    page: 'main',
    build: panelPendingBySeverity,
  },
  {
    name: 'anomaly_type_severity',
    question: 'Which kinds of anomaly are raised, and how severe are they?',
    page: 'main',
    build: panelAnomalyTypeSeverity,
  },
  {
    name: 'criticality_by_day',
    question: 'Which devices are the most critical each day, from the batch or the real-time view?',
    page: 'main',
    build: panelCriticalityByDay,
  },
  {
    name: 'alert_list',
    question: 'What are the newest alerts, and are they still pending?',
    page: 'main',
    build: panelAlertList,
  },
  {
    name: 'device_health',
    question: 'How healthy and how critical is this device, day by day, and when did it fail?',
    page: 'device',
    build: panelDeviceHealth,
  },
  {
    name: 'device_maintenance',
    question: 'When was maintenance scheduled for this device, how urgent, at what cost?',
    page: 'device',
    build: panelDeviceMaintenance,
  },
];

/** The panel of a name, or an InvalidArgumentError naming the known ones. */
export function panelNamed(name: string): PanelDef {
  const panel = PANELS.find((p) => p.name === name);
  if (!panel) {
    throw new InvalidArgumentError(
      `dashboard panel rejected: '${name}' (known: ${PANELS.map((p) => p.name).join(', ')})`,
    );
  }
  return panel;
}

const DEVICE_ID = /^[A-Za-z0-9._:-]{1,64}$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?Z?)?$/;

/** The time ranges of the filter bar; relative ones end at the newest event time served. */
export const RANGES = ['1h', '24h', '7d', 'all', 'custom'] as const;
export type RangeName = (typeof RANGES)[number];
const RANGE_MS: Record<'1h' | '24h' | '7d', number> = {
  '1h': 3_600_000,
  '24h': 86_400_000,
  '7d': 7 * 86_400_000,
};

/** The filters every panel shares (validated; they come from the URL). */
export const Filters = z
  .object({
    range: z.enum(RANGES).default('7d'),
    from: z.string().regex(DATE_TIME, 'expected YYYY-MM-DD[THH:MM[:SS]][Z]').optional(),
    to: z.string().regex(DATE_TIME, 'expected YYYY-MM-DD[THH:MM[:SS]][Z]').optional(),
    device: z.union([z.literal(''), z.string().regex(DEVICE_ID, 'expected a device id')]).default(''),
  })
  .strict()
  .refine((f) => f.range !== 'custom' || (f.from !== undefined && f.to !== undefined), {
    message: 'a custom range needs from and to',
  });
export type Filters = z.infer<typeof Filters>;

/** Parses filters from URL search parameters (unknown parameters are rejected). */
export function parseFilters(params: URLSearchParams | Record<string, string>): Filters {
  const raw = params instanceof URLSearchParams ? Object.fromEntries(params) : params;
  const parsed = Filters.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new InvalidArgumentError(
      `dashboard filter rejected: ${issue.path.join('.') || 'filters'}: ${issue.message}`,
    );
  }
  return parsed.data;
}

/** The bound values the panel SQL uses: UTC times [from_ts, to_ts), dates [from_date, to_date]. */
export interface ResolvedRange {
  from_ts: string;
  to_ts: string;
  from_date: string;
  to_date: string;
  /** The newest event time served (what relative ranges end at), ISO; null when nothing is served. */
  newest: string | null;
}

const sqlTime = (ms: number) => new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
const asUtcMs = (value: string) =>
  Date.parse(
    /Z$|T.*[+-]\d\d:?\d\d$/.test(value)
      ? value
      : value.length === 10
        ? `${value}T00:00:00Z`
        : `${value.replace(' ', 'T')}Z`,
  );

const NEWEST = `
select max(t) as newest from (
  select max(timestamp) as t from anomalies_streaming
  union all select max(newest_event_time) as t from device_health_rt
  union all select cast(date_add(closed_through, interval 1 day) as datetime) as t from serving_watermark
) s`;

/** The newest event time served by any source (anomalies, real-time rows, the batch watermark). */
export async function newestEventTime(serving: Serving): Promise<string | null> {
  const [row] = (await serving.query(NEWEST)).rows;
  return typeof row?.newest === 'string' ? row.newest : null;
}

/** Resolves a filter's range into bound values; relative ranges end at the newest event time served. */
export function resolveRange(filters: Filters, newest: string | null): ResolvedRange {
  let from: number;
  let to: number;
  if (filters.range === 'custom') {
    from = asUtcMs(filters.from!);
    to = asUtcMs(filters.to!);
    if (filters.to!.length === 10) to += 86_400_000; // a date "to" includes that day
    if (!(to > from))
      throw new InvalidArgumentError(
        `dashboard range rejected: to ${filters.to} is not after from ${filters.from}`,
      );
  } else if (filters.range === 'all' || newest === null) {
    from = Date.parse('1970-01-01T00:00:00Z');
    to = Date.parse('9999-01-01T00:00:00Z');
  } else {
    to = Date.parse(newest) + 1_000;
    from = to - RANGE_MS[filters.range];
  }
  return {
    from_ts: sqlTime(from),
    to_ts: sqlTime(to),
    from_date: sqlTime(from).slice(0, 10),
    to_date: sqlTime(to - 1).slice(0, 10),
    newest,
  };
}

/** Which SQL dialect a serving adapter speaks. */
export type PanelDialect = 'duckdb' | 'starrocks';

/** `sql/<dialect>/panels/` of the kit. */
export function panelSqlDir(dialect: PanelDialect): string {
  return kitPath(`sql/${dialect}/panels`, `dashboard: cannot find sql/${dialect}/panels`);
}

/** The SQL text of one panel. */
export function readPanelSql(name: string, dialect: PanelDialect = 'duckdb'): string {
  panelNamed(name);
  return fs.readFileSync(path.join(panelSqlDir(dialect), `${name}.sql`), 'utf8');
}

/** The `$name` parameters a statement uses, bound from `values` (only those: DuckDB rejects extra names). */
export function boundParams(sql: string, values: QueryParams): QueryParams {
  const withoutComments = sql.replace(/--[^\n]*/g, '');
  const names = new Set([...withoutComments.matchAll(/\$([a-z_][a-z0-9_]*)/gi)].map((m) => m[1]!));
  const params: QueryParams = {};
  for (const name of names) {
    if (!(name in values)) throw new KitError(`dashboard panel sql: parameter $${name} has no value`);
    params[name] = values[name]!;
  }
  return params;
}

/** What the API answers for one panel. */
export interface PanelData {
  name: string;
  question: string;
  rows: Record<string, unknown>[];
  spec: ChartSpec;
  range: ResolvedRange;
}

/**
 * Runs one panel's SQL with bound values only and builds its chart.
 * @example const data = await runPanel(serving, 'alert_list', parseFilters({ range: '24h' }));
 */
export async function runPanel(
  serving: Serving,
  name: string,
  filters: Filters,
  range?: ResolvedRange,
): Promise<PanelData> {
  const panel = panelNamed(name);
  if (panel.page === 'device' && filters.device === '') {
    throw new InvalidArgumentError(`dashboard panel ${name}: needs a device`);
  }
  const resolved = range ?? resolveRange(filters, await newestEventTime(serving));
  const sql = readPanelSql(name, serving.kind === 'starrocks' ? 'starrocks' : 'duckdb');
  const { newest: _newest, ...values } = resolved;
  const result = await serving.query(sql, boundParams(sql, { ...values, device: filters.device }));
  const rows = panel.post ? panel.post(result.rows) : result.rows;
  return { name, question: panel.question, rows, spec: panel.build(rows), range: resolved };
}
