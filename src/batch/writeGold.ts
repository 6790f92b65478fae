import type { Branch, Catalog } from '../catalog/port.js';
import { ensureTable } from '../catalog/tableOps.js';
import { addColumnsChange } from '../iceberg/schema.js';
import type { TableChange } from '../iceberg/tableChange.js';
import { tableQuery } from '../iceberg/tableReader.js';
import { type IcebergContext, writeTableData } from '../iceberg/tableWriter.js';
import { addDays } from '../time/utcTime.js';
import { RUN_SUMMARY } from './batchPlan.js';
import { CLOSED_THROUGH_PROPERTY } from './closedThrough.js';
import { GOLD_TABLES } from './gold.js';
import { auditView } from './modelAudits.js';

/** What a run wrote to one Gold table on its branch. */
export interface TableWrite {
  table: string;
  rows: number;
  files: number;
  removedFiles: number;
}

/** What the write phase needs: the session with the Gold models built, and what to stamp. */
export interface GoldWriteScope {
  ctx: IcebergContext;
  catalog: Catalog;
  runId: string;
  range: { from: string; to: string };
  /** The raw watermark (JSON) stamped on every snapshot. */
  watermark: string;
  /** The newest closed date, stamped as lambda-iot.closed-through (the serving layer's batch watermark). */
  closedThrough: string | null;
  /** Most manifests each Gold table's snapshot lists (LAMBDA_IOT_MANIFEST_BOUND); default the writer's (16). */
  manifestBound?: number;
}

/** The days from `from` to `to`, inclusive. */
function daysOf(range: { from: string; to: string }): string[] {
  const days: string[] = [];
  for (let d = range.from; d <= range.to; d = addDays(d, 1)) days.push(d);
  return days;
}

/**
 * Evolves Gold tables created by an older kit: columns of the definition the table lacks are added (one
 * commit on the run branch; older rows read them as null), so a new column reaches existing lakes.
 */
async function addMissingColumns(catalog: Catalog, branch: string): Promise<void> {
  const head = await catalog.getBranch(branch);
  const changes: TableChange[] = [];
  for (const gold of GOLD_TABLES) {
    const loaded = await catalog.loadTable(head.hash, gold.definition.name);
    const schema = loaded.metadata.schemas.find(
      (s) => s['schema-id'] === loaded.metadata['current-schema-id'],
    )!;
    const missing = gold.definition.columns.filter((c) => !schema.fields.some((f) => f.name === c.name));
    if (missing.length > 0) changes.push(addColumnsChange(gold.definition.name, loaded.metadata, missing));
  }
  if (changes.length === 0) return;
  await catalog.commit({
    branch,
    expectedHash: head.hash,
    message: `add columns ${changes.map((c) => c.table).join(', ')}`,
    changes,
  });
}

/**
 * Writes the three Gold tables on the run branch in one commit, each overwriting exactly the rebuilt days
 * with the session's model rows of those days, and returns what it wrote.
 */
export async function writeGold(branch: Branch, scope: GoldWriteScope): Promise<TableWrite[]> {
  const { ctx, catalog, range } = scope;
  for (const gold of GOLD_TABLES) await ensureTable(catalog, ctx.store, branch.name, gold.definition);
  await addMissingColumns(catalog, branch.name);
  const head = await catalog.getBranch(branch.name);
  const tables: TableWrite[] = [];
  const changes: TableChange[] = [];
  for (const gold of GOLD_TABLES) {
    const loaded = await catalog.loadTable(head.hash, gold.definition.name);
    const write = await writeTableData(
      ctx,
      loaded,
      {
        sql: `SELECT * FROM ${gold.model} WHERE "${gold.dateColumn}" BETWEEN CAST($1 AS DATE) AND CAST($2 AS DATE)`,
        params: [range.from, range.to],
      },
      {
        mode: 'overwrite-partitions',
        replaceDays: daysOf(range),
        manifestBound: scope.manifestBound,
        summary: {
          [RUN_SUMMARY.runId]: scope.runId,
          [RUN_SUMMARY.watermark]: scope.watermark,
          [RUN_SUMMARY.range]: `${range.from}/${range.to}`,
          ...(scope.closedThrough === null ? {} : { [CLOSED_THROUGH_PROPERTY]: scope.closedThrough }),
        },
      },
    );
    tables.push({
      table: gold.definition.name,
      rows: write.rows,
      files: write.added.length,
      removedFiles: write.removed.length,
    });
    changes.push(write.change);
  }
  await catalog.commit({
    branch: branch.name,
    expectedHash: head.hash,
    message: `batch ${scope.runId}: gold ${range.from} … ${range.to}`,
    changes,
  });
  return tables;
}

/**
 * What the audits read: per Gold table on the branch, a view of the rebuilt days (`audit_days_<model>`)
 * and one of the whole table (`audit_table_<model>`), in the run's session.
 */
export async function createAuditViews(
  ctx: IcebergContext,
  catalog: Catalog,
  branch: string,
  range: { from: string; to: string },
): Promise<void> {
  const written = await catalog.getBranch(branch);
  for (const gold of GOLD_TABLES) {
    const { metadata } = await catalog.loadTable(written.hash, gold.definition.name);
    const days = await tableQuery(ctx, metadata, { fromDate: range.from, toDate: range.to });
    await ctx.duck.run(
      `CREATE OR REPLACE TEMP VIEW ${auditView(gold.model, 'days')} AS SELECT * FROM ${days}`,
    );
    const whole = await tableQuery(ctx, metadata);
    await ctx.duck.run(
      `CREATE OR REPLACE TEMP VIEW ${auditView(gold.model, 'table')} AS SELECT * FROM ${whole}`,
    );
  }
}
