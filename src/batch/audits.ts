import type { Audit, AuditResult } from '../catalog/wap.js';
import type { DuckSession } from '../duckdb/duckSession.js';
import { duckType } from '../iceberg/schema.js';
import type { IcebergType } from '../iceberg/types.js';
import { TELEMETRY_RANGES } from '../schema/telemetry.js';
import { GOLD_TABLES, PRIORITIES, RECOMMENDED_ACTIONS, WINDOWS } from './gold.js';

/** A column definition's type as an Iceberg type (`list<string>` → a list of strings). */
function toIcebergType(type: string): IcebergType {
  const list = /^list<(\w+)>$/.exec(type);
  return list
    ? { type: 'list', 'element-id': 0, element: list[1] as never, 'element-required': false }
    : (type as IcebergType);
}

/**
 * The batch run's audits. Each runs SQL in the run's DuckDB session over views of what the run wrote on
 * its branch (`audit_<model>`, made by the caller from the branch's tables) and over the silver tables it
 * built, and returns pass/fail with up to five offending rows.
 */
export interface AuditScope {
  duck: DuckSession;
  from: string;
  to: string;
  /** Newest event date in the lake's raw telemetry. */
  newestRawDate: string;
}

const SAMPLE = 5;

async function check(
  duck: DuckSession,
  offendingSql: string,
  describe: (count: number) => string,
  params: string[] = [],
): Promise<AuditResult> {
  const [{ n }] = (await duck.rows<{ n: number }>(`SELECT count(*) AS n FROM (${offendingSql})`, params)) as [
    { n: number },
  ];
  const offending = n === 0 ? [] : await duck.rows(`SELECT * FROM (${offendingSql}) LIMIT ${SAMPLE}`, params);
  return { passed: n === 0, detail: describe(n), offending };
}

/** The audits of one batch run, in the order they are reported. */
export function batchAudits(scope: AuditScope): Audit[] {
  const { duck } = scope;
  const range = [scope.from, scope.to];
  const inRange = (column: string) => `"${column}" BETWEEN CAST($1 AS DATE) AND CAST($2 AS DATE)`;
  const audits: Audit[] = [
    {
      name: 'silver inputs within contract ranges',
      run: () =>
        check(
          duck,
          `SELECT device_id, "timestamp", energy_usage, temperature, vibration, signal_strength FROM silver_telemetry
           WHERE ${inRange('date')} AND NOT (${Object.entries(TELEMETRY_RANGES)
             .map(([f, r]) => `"${f}" BETWEEN ${r.min} AND ${r.max}`)
             .join(' AND ')})`,
          (n) =>
            `${n} readings outside the contract ranges (${Object.entries(TELEMETRY_RANGES)
              .map(([f, r]) => `${f} ${r.min}–${r.max}`)
              .join(', ')})`,
          range,
        ),
    },
    {
      name: 'schema as declared',
      run: async () => {
        const wrong: unknown[] = [];
        for (const gold of GOLD_TABLES) {
          const actual = await duck.rows<{ column_name: string; column_type: string }>(
            `SELECT column_name, column_type FROM (DESCRIBE audit_${gold.model})`,
          );
          const declared = gold.definition.columns.map((c) => `${c.name} ${duckType(toIcebergType(c.type))}`);
          const found = actual.map((r) => `${r.column_name} ${r.column_type}`);
          if (found.join(',') !== declared.join(','))
            wrong.push({ table: gold.definition.name, declared, found });
        }
        return {
          passed: wrong.length === 0,
          detail: `${wrong.length} tables differ from their declared columns and types`,
          offending: wrong,
        };
      },
    },
    {
      name: 'one gold_device_health row per device-day with telemetry',
      run: () =>
        check(
          duck,
          `SELECT coalesce(s.device_id, h.device_id) AS device_id, coalesce(s.date, h.date) AS date, coalesce(h.n, 0) AS health_rows
           FROM (SELECT DISTINCT device_id, date FROM silver_telemetry WHERE ${inRange('date')}) s
           FULL JOIN (SELECT device_id, date, count(*) AS n FROM audit_gold_device_health GROUP BY ALL) h
             ON h.device_id = s.device_id AND h.date = s.date
           WHERE s.device_id IS NULL OR h.n IS NULL OR h.n <> 1`,
          (n) => `${n} device-days without exactly one row`,
          range,
        ),
    },
    ...GOLD_TABLES.map(
      (gold): Audit => ({
        name: `${gold.definition.name.split('.')[1]}: keys unique and not null`,
        run: () =>
          check(
            duck,
            `SELECT device_id, "${gold.dateColumn}", count(*) AS rows FROM audit_${gold.model}
             GROUP BY ALL HAVING count(*) > 1 OR device_id IS NULL OR "${gold.dateColumn}" IS NULL`,
            (n) => `${n} duplicate or null keys (device_id, ${gold.dateColumn})`,
          ),
      }),
    ),
    {
      name: 'scores within [0, 1]',
      run: () =>
        check(
          duck,
          `SELECT 'gold_device_health' AS "table", device_id, date, 'min_health_score' AS "column", min_health_score AS value
             FROM audit_gold_device_health WHERE min_health_score NOT BETWEEN 0 AND 1
           UNION ALL SELECT 'gold_failure_predictions', device_id, prediction_date, 'worst_health_score_7d', worst_health_score_7d
             FROM audit_gold_failure_predictions WHERE worst_health_score_7d NOT BETWEEN 0 AND 1
           UNION ALL SELECT 'gold_failure_predictions', device_id, prediction_date, 'failure_risk_score', failure_risk_score
             FROM audit_gold_failure_predictions WHERE failure_risk_score NOT BETWEEN 0 AND 1 OR failure_risk_score IS NULL`,
          (n) => `${n} scores outside [0, 1]`,
        ),
    },
    {
      name: 'priorities, windows and actions within their sets',
      run: () =>
        check(
          duck,
          `SELECT device_id, date, priority AS value FROM audit_gold_maintenance_schedule
             WHERE priority NOT IN (${PRIORITIES.map((p) => `'${p}'`).join(', ')}) OR priority IS NULL
           UNION ALL SELECT device_id, date, "window" FROM audit_gold_maintenance_schedule
             WHERE "window" NOT IN (${WINDOWS.map((p) => `'${p}'`).join(', ')}) OR "window" IS NULL
           UNION ALL SELECT device_id, prediction_date, recommended_action FROM audit_gold_failure_predictions
             WHERE recommended_action NOT IN (${RECOMMENDED_ACTIONS.map((p) => `'${p}'`).join(', ')}) OR recommended_action IS NULL`,
          (n) => `${n} values outside their sets`,
        ),
    },
    {
      name: 'schedule devices are health devices',
      run: () =>
        check(
          duck,
          `SELECT DISTINCT device_id FROM audit_gold_maintenance_schedule
           WHERE device_id NOT IN (SELECT device_id FROM audit_all_gold_device_health)`,
          (n) => `${n} scheduled devices without health rows`,
        ),
    },
    {
      name: 'newest gold date is the newest raw event date',
      run: async () => {
        const [row] = await duck.rows<{ newest: string | null }>(
          'SELECT CAST(max(date) AS VARCHAR) AS newest FROM audit_all_gold_device_health',
        );
        const newest = row?.newest ?? null;
        const passed = newest === scope.newestRawDate;
        return {
          passed,
          detail: `newest gold_device_health date ${newest ?? 'none'}, newest raw date ${scope.newestRawDate}`,
          offending: passed ? [] : [{ newest_gold: newest, newest_raw: scope.newestRawDate }],
        };
      },
    },
  ];
  return audits;
}
