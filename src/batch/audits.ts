import type { Audit, AuditResult } from '../catalog/wap.js';
import type { DuckSession } from '../duckdb/duckSession.js';
import { duckType } from '../iceberg/schema.js';
import type { IcebergType } from '../iceberg/types.js';
import { TELEMETRY_RANGES } from '../schema/telemetry.js';
import { GOLD_TABLES } from './gold.js';
import { auditView, modelTestAudits, SAMPLE_ROWS } from './modelAudits.js';

/** A column definition's type as an Iceberg type (`list<string>` → a list of strings). */
function toIcebergType(type: string): IcebergType {
  const list = /^list<(\w+)>$/.exec(type);
  return list
    ? { type: 'list', 'element-id': 0, element: list[1] as never, 'element-required': false }
    : (type as IcebergType);
}

/**
 * What the audits of one batch run look at: the run's DuckDB session, with the silver tables it built and
 * the views of what it wrote on its branch (`audit_days_<model>`, `audit_table_<model>`, made by the
 * caller from the branch's tables), and the days it rebuilt.
 */
export interface AuditScope {
  duck: DuckSession;
  from: string;
  to: string;
  /** Newest event date in the lake's raw telemetry. */
  newestRawDate: string;
  /** The folder of the models and their tests (default: the kit's sql/duckdb). */
  sqlDir?: string;
}

/** An audit's result as the batch run reports it: `error` when the audit could not run (it never passes). */
export type BatchAuditResult = AuditResult & { name: string; error?: true };

async function check(
  duck: DuckSession,
  offendingSql: string,
  describe: (count: number) => string,
  params: string[] = [],
): Promise<AuditResult> {
  const [{ n }] = (await duck.rows<{ n: number }>(`SELECT count(*) AS n FROM (${offendingSql})`, params)) as [
    { n: number },
  ];
  const offending =
    n === 0 ? [] : await duck.rows(`SELECT * FROM (${offendingSql}) LIMIT ${SAMPLE_ROWS}`, params);
  return { passed: n === 0, detail: describe(n), offending };
}

/** Raw readings of the rebuilt days outside the contract ranges (files dropped into the lake by hand skip the contract); copies with the same values count once. */
function contractRanges(scope: AuditScope): Audit {
  const ranges = Object.entries(TELEMETRY_RANGES);
  return {
    name: 'silver inputs within contract ranges',
    run: () =>
      check(
        scope.duck,
        `SELECT DISTINCT device_id, "timestamp", energy_usage, temperature, vibration, signal_strength FROM raw_telemetry
         WHERE "timestamp" >= to_timestamp((CAST($1 AS DATE) - DATE '1970-01-01') * 86400)
           AND "timestamp" < to_timestamp((CAST($2 AS DATE) + 1 - DATE '1970-01-01') * 86400)
           AND NOT (${ranges.map(([f, r]) => `"${f}" BETWEEN ${r.min} AND ${r.max}`).join(' AND ')})`,
        (n) =>
          `${n} ${n === 1 ? 'reading' : 'readings'} outside the contract ranges (${ranges.map(([f, r]) => `${f} ${r.min}–${r.max}`).join(', ')})`,
        [scope.from, scope.to],
      ),
  };
}

/** The Gold tables on the branch have exactly the declared columns and types. */
function schemaAsDeclared(duck: DuckSession): Audit {
  return {
    name: 'schema as declared',
    run: async () => {
      const wrong: unknown[] = [];
      for (const gold of GOLD_TABLES) {
        const actual = await duck.rows<{ column_name: string; column_type: string }>(
          `SELECT column_name, column_type FROM (DESCRIBE ${auditView(gold.model, 'days')})`,
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
  };
}

/** Freshness: the whole gold_device_health on the branch reaches the newest raw date. */
function newestDate(scope: AuditScope): Audit {
  return {
    name: 'newest gold date is the newest raw event date',
    run: async () => {
      const [row] = await scope.duck.rows<{ newest: string | null }>(
        `SELECT CAST(max(date) AS VARCHAR) AS newest FROM ${auditView('gold_device_health', 'table')}`,
      );
      const newest = row?.newest ?? null;
      const passed = newest === scope.newestRawDate;
      return {
        passed,
        detail: `newest gold_device_health date ${newest ?? 'none'}, newest raw date ${scope.newestRawDate}`,
        offending: passed ? [] : [{ newest_gold: newest, newest_raw: scope.newestRawDate }],
      };
    },
  };
}

/**
 * The audits of one batch run, in the order they are reported: the inputs' contract ranges, the declared
 * schema, every model's SQL tests (modelTestAudits), and freshness. Each returns pass/fail with up to
 * five offending rows.
 */
export function batchAudits(scope: AuditScope): Audit[] {
  return [
    contractRanges(scope),
    schemaAsDeclared(scope.duck),
    ...modelTestAudits(scope.duck, scope, scope.sqlDir),
    newestDate(scope),
  ];
}

/**
 * The audits with their errors caught: an audit that throws (bad SQL, a missing column) fails with the
 * error as its detail and is listed in `errors`, so the run reports it as an error, never as a pass.
 */
export function guardAudits(audits: readonly Audit[], errors: Set<string>): Audit[] {
  return audits.map((audit) => ({
    name: audit.name,
    run: async (branch) => {
      try {
        return await audit.run(branch);
      } catch (error) {
        errors.add(audit.name);
        return { passed: false, detail: `error: ${error instanceof Error ? error.message : String(error)}` };
      }
    },
  }));
}
