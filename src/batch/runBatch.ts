import path from 'node:path';
import type { Catalog } from '../catalog/port.js';
import { MAIN_BRANCH } from '../catalog/port.js';
import { ensureTable } from '../catalog/tableOps.js';
import { type AuditResult, newRunId, writeAuditPublish } from '../catalog/wap.js';
import type { Config } from '../config/config.js';
import { tableQuery } from '../iceberg/tableReader.js';
import { type IcebergContext, writeTableData } from '../iceberg/tableWriter.js';
import { listRawFiles, openLakeReader, type RawFile } from '../lake/lakeReader.js';
import type { ObjectStore } from '../store/objectStore.js';
import { addDays } from '../time/utcTime.js';
import { batchAudits } from './audits.js';
import { GOLD_TABLES } from './gold.js';
import { buildModel, MODELS, type ModelName } from './models.js';
import { type PredictionQuality, predictionQuality } from './quality.js';

/** Summary keys the batch run stamps on every snapshot it writes. */
export const RUN_SUMMARY = {
  runId: 'lambda-iot.run-id',
  watermark: 'lambda-iot.raw-watermark',
  range: 'lambda-iot.range',
} as const;

/** What the lake held when a run read it: the highest landed offset per topic partition, and other files. */
export interface RawWatermark {
  offsets: Record<string, number>;
  foreign: string[];
}

export interface BatchOptions {
  config: Pick<Config, 'dataDir'>;
  store: ObjectStore;
  catalog: Catalog;
  /** First and last date to (re)build, YYYY-MM-DD. Default: what is new in the lake since the last published run. */
  from?: string;
  to?: string;
  /** Rebuild every date in the lake. */
  full?: boolean;
  /** Vibration anomaly threshold (mm/s²). Default 3.0. */
  vibrationThreshold?: number;
  /** Days ahead a failure counts for the prediction-quality report. Default 3. */
  horizonDays?: number;
  keepFailedBranch?: boolean;
  onStep?: (step: string, detail: string) => void;
}

export interface BatchResult {
  runId: string;
  /** The dates rebuilt and overwritten; null when there was nothing to do. */
  range: { from: string; to: string } | null;
  /** Why the range was chosen (or why nothing ran). */
  reason: string;
  models: { model: ModelName; rows: number; ms: number }[];
  tables: { table: string; rows: number; files: number; removedFiles: number }[];
  audits: (AuditResult & { name: string })[];
  published: boolean;
  /** main's head after the run. */
  mainHash: string;
  /** The kept branch of a failed run. */
  branch?: string;
  quality?: PredictionQuality;
  elapsedMs: number;
}

/** The lake's watermark: highest landed offset per topic:partition, and the files not named by the sink. */
export function watermarkOf(files: readonly RawFile[]): RawWatermark {
  const offsets: Record<string, number> = {};
  const foreign: string[] = [];
  for (const f of files) {
    if (f.landed === undefined) {
      foreign.push(`${f.key}@${f.size}`);
      continue;
    }
    const key = `${f.landed.topic}:${f.landed.partition}`;
    offsets[key] = Math.max(offsets[key] ?? -1, f.landed.lastOffset);
  }
  return { offsets, foreign: foreign.sort() };
}

/** Files that arrived after a watermark: landed past its offsets, or other files it did not list. */
export function newSince(files: readonly RawFile[], mark: RawWatermark): RawFile[] {
  const foreign = new Set(mark.foreign);
  return files.filter((f) =>
    f.landed === undefined
      ? !foreign.has(`${f.key}@${f.size}`)
      : f.landed.lastOffset > (mark.offsets[`${f.landed.topic}:${f.landed.partition}`] ?? -1),
  );
}

/**
 * The dates a run rebuilds. Explicit --from/--to win; --full or a first run takes every date in the lake;
 * otherwise new telemetry for day D rebuilds D..D+7 (the days whose baselines or windows include D) and a
 * new events file for day D rebuilds D..the newest date (a late maintenance changes days_since_maintenance
 * for every later day), each capped at the newest raw date.
 */
export function chooseRange(
  telemetry: readonly RawFile[],
  events: readonly RawFile[],
  previous: RawWatermark | undefined,
  options: Pick<BatchOptions, 'from' | 'to' | 'full'>,
): { range: { from: string; to: string } | null; reason: string } {
  const dates = telemetry.map((f) => f.date).sort();
  if (dates.length === 0)
    return { range: null, reason: 'the lake has no raw telemetry (run lambda-iot land first)' };
  const newest = dates[dates.length - 1]!;
  if (options.from !== undefined || options.to !== undefined) {
    return {
      range: { from: options.from ?? dates[0]!, to: options.to ?? newest },
      reason: 'dates given',
    };
  }
  if (options.full || previous === undefined) {
    return {
      range: { from: dates[0]!, to: newest },
      reason: options.full ? 'full rebuild' : 'first run: every date in the lake',
    };
  }
  const newTelemetry = newSince(telemetry, previous);
  const newEvents = newSince(events, previous);
  if (newTelemetry.length === 0 && newEvents.length === 0) {
    return { range: null, reason: 'nothing new in the lake since the last published run' };
  }
  const latest = (dates: string[]) => [...dates].sort().at(-1)!;
  const earliest = (dates: string[]) => [...dates].sort()[0]!;
  const from = latest([earliest([...newTelemetry, ...newEvents].map((f) => f.date)), dates[0]!]);
  const to = latest([
    from,
    ...newTelemetry.map((f) => earliest([addDays(f.date, 7), newest])),
    ...newEvents.map(() => newest),
  ]);
  return {
    range: { from, to },
    reason: `${newTelemetry.length} new telemetry and ${newEvents.length} new events files since the last published run`,
  };
}

/** The watermark stamped on main's gold_device_health, if a run was published before. */
async function previousWatermark(catalog: Catalog): Promise<RawWatermark | undefined> {
  try {
    const { metadata } = await catalog.loadTable(MAIN_BRANCH, GOLD_TABLES[0]!.definition.name);
    const current = metadata.snapshots.find((s) => s['snapshot-id'] === metadata.refs.main?.['snapshot-id']);
    const text = current?.summary[RUN_SUMMARY.watermark];
    return text ? (JSON.parse(text) as RawWatermark) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The batch layer: builds silver and Gold with the SQL models in `sql/duckdb/` over the lake's raw files
 * (DuckDB, UTC session), writes the three Gold tables on a run branch (overwriting exactly the rebuilt
 * days), audits them, and publishes all three with one atomic merge into main, or keeps main unchanged and
 * the branch for inspection when an audit fails. Reports how well failure_risk_score ranked the devices
 * that failed within `horizonDays`.
 * @example const result = await runBatch({ config, store, catalog });
 */
export async function runBatch(options: BatchOptions): Promise<BatchResult> {
  const started = Date.now();
  const { store, catalog } = options;
  const step = options.onStep ?? (() => {});
  const runId = newRunId();
  step('plan', 'reading the lake and the last published run');
  // The watermark comes from a first listing; the run reads a second one, started after the first ended, so
  // every file at or below the watermark (durable before the second listing began) is in what the run reads,
  // even one the landing sink wrote into an earlier date folder while the first listing walked past it.
  const stampable = watermarkOf([
    ...(await listRawFiles(store, 'telemetry')),
    ...(await listRawFiles(store, 'events')),
  ]);
  const telemetry = await listRawFiles(store, 'telemetry');
  const events = await listRawFiles(store, 'events');
  const previous = await previousWatermark(catalog);
  const { range, reason } = chooseRange(telemetry, events, previous, options);
  const mainHash = (await catalog.getBranch(MAIN_BRANCH)).hash;
  const base = { runId, reason, models: [], tables: [], audits: [], mainHash };
  if (range === null) return { ...base, range: null, published: false, elapsedMs: Date.now() - started };
  step('plan', `dates ${range.from} … ${range.to} (${reason})`);

  const newestRawDate = telemetry
    .map((f) => f.date)
    .sort()
    .at(-1)!;
  // Telemetry from the first baseline day; events from the beginning (days_since_maintenance needs them all).
  const lake = await openLakeReader(store, {
    dataDir: options.config.dataDir,
    from: addDays(range.from, -13),
    to: range.to,
    ranges: { events: { to: range.to } },
  });
  const ctx: IcebergContext = {
    duck: lake.duck,
    store,
    tmpDir: path.join(options.config.dataDir, 'tmp', `batch-${runId}`),
  };
  try {
    const params = {
      from_date: range.from,
      to_date: range.to,
      vibration_threshold: options.vibrationThreshold ?? 3.0,
      baseline_min_readings: 100,
    };
    const models: BatchResult['models'] = [];
    for (const model of MODELS) {
      step('model', model);
      const t0 = Date.now();
      models.push({ model, rows: await buildModel(lake.duck, model, params), ms: Date.now() - t0 });
    }
    // A run over given dates has not looked at the rest of the lake: it keeps the previous watermark.
    const partial = (options.from !== undefined || options.to !== undefined) && !options.full;
    const watermark = JSON.stringify(partial ? (previous ?? { offsets: {}, foreign: [] }) : stampable);
    const rebuiltDays: string[] = [];
    for (let d = range.from; d <= range.to; d = addDays(d, 1)) rebuiltDays.push(d);
    const tables: BatchResult['tables'] = [];
    const wap = await writeAuditPublish({
      catalog,
      runId,
      keepFailedBranch: options.keepFailedBranch,
      onPhase: (phase, detail) => step(phase, detail),
      write: async (branch) => {
        for (const gold of GOLD_TABLES) await ensureTable(catalog, store, branch.name, gold.definition);
        const head = await catalog.getBranch(branch.name);
        const changes = [];
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
              replaceDays: rebuiltDays,
              summary: {
                [RUN_SUMMARY.runId]: runId,
                [RUN_SUMMARY.watermark]: watermark,
                [RUN_SUMMARY.range]: `${range.from}/${range.to}`,
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
          message: `batch ${runId}: gold ${range.from} … ${range.to}`,
          changes,
        });
        // What the audits read: the run branch's tables over the rebuilt dates.
        const written = await catalog.getBranch(branch.name);
        for (const gold of GOLD_TABLES) {
          const loaded = await catalog.loadTable(written.hash, gold.definition.name);
          const from = await tableQuery(ctx, loaded.metadata, { fromDate: range.from, toDate: range.to });
          await lake.duck.run(`CREATE OR REPLACE TEMP VIEW audit_${gold.model} AS SELECT * FROM ${from}`);
        }
        // The newest-date audit looks at the whole table on the branch, not just the rebuilt days.
        const health = await catalog.loadTable(written.hash, GOLD_TABLES[0]!.definition.name);
        await lake.duck.run(
          `CREATE OR REPLACE TEMP VIEW audit_all_gold_device_health AS SELECT * FROM ${await tableQuery(ctx, health.metadata)}`,
        );
        return tables;
      },
      audits: batchAudits({ duck: lake.duck, from: range.from, to: range.to, newestRawDate }),
    });
    step('quality', 'failure_risk_score against the failures that followed');
    const quality = await predictionQuality(lake.duck, options.horizonDays ?? 3);
    return {
      ...base,
      range,
      models,
      tables,
      audits: wap.audits,
      published: wap.published,
      mainHash: wap.targetHash,
      ...(wap.branchKept ? { branch: wap.branch } : {}),
      quality,
      elapsedMs: Date.now() - started,
    };
  } finally {
    lake.close();
  }
}
