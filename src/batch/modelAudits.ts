import type { Audit, AuditResult } from '../catalog/wap.js';
import type { DuckSession } from '../duckdb/duckSession.js';
import { GOLD_TABLES } from './gold.js';
import { MODELS, type ModelName, type ModelTest, readModelTests } from './models.js';

/**
 * The SQL tests beside each model (`sql/duckdb/<model>.tests.sql`) as the batch run's publish audits.
 * A test names models, not tables; here each name is bound, by a CTE in front of the test, to what the run
 * is about to publish: a Gold name to a view of the run branch's table over the rebuilt days
 * (`audit_days_<model>`), a silver name to the session's silver table over the same days. A test headed
 * `-- scope: table` sees the branch's whole Gold tables (`audit_table_<model>`) and all the silver the run
 * built.
 */

/** The silver models and the date column their rows are bound by. */
const SILVER_DATES: Partial<Record<ModelName, string>> = {
  silver_telemetry_daily: 'date',
  silver_events: 'event_date',
};

/** Rows of a failing test shown in its result. */
export const SAMPLE_ROWS = 5;

/** The view of a Gold model's table on the run branch: the rebuilt days, or the whole table. */
export function auditView(model: string, scope: ModelTest['scope']): string {
  return `audit_${scope}_${model}`;
}

/** The CTEs binding a test's model names for its scope; the days are parameters $1 and $2. */
function bindings(scope: ModelTest['scope']): string {
  const gold = GOLD_TABLES.map(
    (g) => `${g.model} AS NOT MATERIALIZED (SELECT * FROM ${auditView(g.model, scope)})`,
  );
  const silver =
    scope === 'table'
      ? []
      : Object.entries(SILVER_DATES).map(
          ([model, column]) =>
            `${model} AS NOT MATERIALIZED (SELECT * FROM temp.main.${model} WHERE "${column}" BETWEEN CAST($1 AS DATE) AND CAST($2 AS DATE))`,
        );
  return `WITH ${[...gold, ...silver].join(',\n  ')}\n`;
}

/**
 * Runs one model test as an audit: passes when it returns no rows; otherwise fails with the number of
 * offending rows and the first few. An error (bad SQL, a missing column) is thrown to the caller, which
 * reports it as an error, never as a pass.
 */
export async function runModelTestAudit(
  duck: DuckSession,
  test: ModelTest,
  days: { from: string; to: string },
): Promise<AuditResult> {
  const sql = `${bindings(test.scope)}SELECT * FROM (${test.sql})`;
  const params = test.scope === 'table' ? [] : [days.from, days.to];
  const offending = await duck.rows(`${sql} LIMIT ${SAMPLE_ROWS}`, params);
  if (offending.length === 0) {
    return {
      passed: true,
      detail: `no offending rows (${test.scope === 'table' ? 'whole tables' : 'rebuilt days'})`,
    };
  }
  const [{ n }] = (await duck.rows<{ n: number }>(`SELECT count(*) AS n FROM (${sql})`, params)) as [
    { n: number },
  ];
  return { passed: false, detail: `${n} offending rows`, offending };
}

/** Every model's tests as audits, in build order, named `<model>: <test>`. */
export function modelTestAudits(
  duck: DuckSession,
  days: { from: string; to: string },
  dir?: string,
): Audit[] {
  return MODELS.flatMap((model) =>
    readModelTests(model, dir).map(
      (test): Audit => ({
        name: `${model}: ${test.name}`,
        run: () => runModelTestAudit(duck, test, days),
      }),
    ),
  );
}
