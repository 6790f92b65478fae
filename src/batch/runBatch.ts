import fs from 'node:fs';
import path from 'node:path';
import type { Catalog } from '../catalog/port.js';
import { newRunId, RUN_BRANCH_PREFIX, type WapResult, writeAuditPublish } from '../catalog/wap.js';
import type { Config } from '../config/config.js';
import { duckLimits } from '../duckdb/duckSession.js';
import { CatalogConflictError, InterruptedError, InvalidArgumentError, KitError } from '../errors.js';
import type { IcebergContext } from '../iceberg/tableWriter.js';
import { openLakeReader } from '../lake/lakeReader.js';
import { currentModel, type ModelChoice } from '../model/artifact.js';
import { DEFAULT_EVENT_TIME_MIN } from '../schema/validate.js';
import type { ObjectStore } from '../store/objectStore.js';
import { addDays } from '../time/utcTime.js';
import { withRetry } from '../util/retry.js';
import { type BatchAuditResult, batchAudits, guardAudits } from './audits.js';
import {
  type BatchPlan,
  laterDate,
  planBatch,
  plausibleDates,
  type RangeOptions,
  rangeProblem,
  type SkippedRawFile,
} from './batchPlan.js';
import { countDuplicates, type Duplicates, describeDuplicates } from './duplicates.js';
import { landedRangesAudit } from './landedRangesAudit.js';
import { buildModelScores } from './modelScores.js';
import { BASELINE_MIN_READINGS, buildModel, MODELS, type ModelName } from './models.js';
import { recordPublishedRun } from './publishedRun.js';
import { type PredictionQuality, predictionQuality } from './quality.js';
import { createAuditViews, type TableWrite, writeGold } from './writeGold.js';

export { chooseRange, newSince, type RawWatermark, RUN_SUMMARY, watermarkOf } from './batchPlan.js';

export interface BatchOptions extends RangeOptions {
  /**
   * publishRetries: how many more times a run whose publish lost to a concurrent one starts over from the
   * new main (default 3); retryBaseMs: the first delay before that (default 200, doubling, with jitter).
   */
  config: Pick<Config, 'dataDir'> &
    Partial<
      Pick<
        Config,
        | 'publishRetries'
        | 'retryBaseMs'
        | 'vibrationThreshold'
        | 'eventTimeMin'
        | 'manifestBound'
        | 'riskScore'
        | 'duckdbMemoryLimit'
        | 'duckdbTempLimit'
      >
    >;
  /** Wall-clock now in ms, for the end of the plausible event-time window (now + 24 h). Default Date.now(). */
  now?: number;
  store: ObjectStore;
  catalog: Catalog;
  /** Vibration anomaly threshold (mm/s²). Default LAMBDA_IOT_VIBRATION_THRESHOLD (3.0), as the real-time view. */
  vibrationThreshold?: number;
  /** Days ahead a failure counts for the prediction-quality report. Default 3. */
  horizonDays?: number;
  keepFailedBranch?: boolean;
  /** The folder of the SQL models and their tests. Default: the kit's sql/duckdb. */
  sqlDir?: string;
  onStep?: (step: string, detail: string) => void;
  /**
   * Stops between steps when aborted (SIGINT/SIGTERM): before the next model or before writing Gold, with
   * InterruptedError; main is unchanged. A write-audit-publish already under way finishes.
   */
  signal?: AbortSignal;
}

export interface BatchResult {
  runId: string;
  /** The dates rebuilt and overwritten; null when there was nothing to do. */
  range: { from: string; to: string } | null;
  /** Why the range was chosen (or why nothing ran). */
  reason: string;
  /** Raw files not read because their date folder lies outside the plausible event-time window. */
  skipped: SkippedRawFile[];
  models: { model: ModelName; rows: number; ms: number }[];
  /** Raw rows silver dropped on the rebuilt days as copies of a reading or event it kept (zero when none). */
  duplicates: Duplicates;
  tables: TableWrite[];
  /** Every audit: the run's checks and every model's SQL tests; `error` when an audit could not run. */
  audits: BatchAuditResult[];
  published: boolean;
  /** main's head after the run. */
  mainHash: string;
  /** The kept branch of a failed run. */
  branch?: string;
  /**
   * Run branches left by earlier runs when this one started: a failed audit keeps its branch, a killed
   * batch leaves its own. Dropped with `lambda-iot catalog drop <branch>`.
   */
  staleBranches: string[];
  quality?: PredictionQuality;
  /**
   * The failure model that scored gold_failure_predictions.model_risk_score (the lake's current model, else
   * the kit's default), and the score the maintenance schedule's P0 used.
   */
  model?: { id: string; source: ModelChoice['source']; from: string; riskScore: 'reference' | 'model' };
  /** Write-audit-publish runs made: 1, plus one per publish lost to a concurrent one. */
  attempts: number;
  elapsedMs: number;
}

type AttemptResult = Omit<BatchResult, 'attempts' | 'elapsedMs'>;

/** Builds every model in the session, in order, and times them. */
async function buildModels(
  duck: IcebergContext['duck'],
  range: { from: string; to: string },
  options: BatchOptions,
  scoring: ModelChoice,
  step: (step: string, detail: string) => void,
): Promise<BatchResult['models']> {
  const params = {
    from_date: range.from,
    to_date: range.to,
    vibration_threshold: options.vibrationThreshold ?? options.config.vibrationThreshold ?? 3.0,
    baseline_min_readings: BASELINE_MIN_READINGS,
    risk_score_source: options.config.riskScore ?? 'reference',
    model_threshold: scoring.model.threshold,
  };
  const models: BatchResult['models'] = [];
  for (const model of MODELS) {
    stopIfAborted(options.signal, `before building ${model}`);
    step('model', model);
    const t0 = Date.now();
    models.push({ model, rows: await buildModel(duck, model, params, options.sqlDir), ms: Date.now() - t0 });
    if (model === 'failure_features') {
      // The failure model's scores, for gold_failure_predictions to join (a session table, not a SQL model).
      step('model', `failure_model_scores (model ${scoring.model.id}, ${scoring.source})`);
      await buildModelScores(duck, scoring);
    }
  }
  return models;
}

/**
 * Write-audit-publish of the Gold tables built in the session. A publish lost to a concurrent one
 * (CatalogConflictError from the merge) drops this attempt's run branch and rethrows, for the caller to
 * start over from the new main; a failed audit keeps the branch.
 */
async function publishGold(
  ctx: IcebergContext,
  options: BatchOptions,
  run: { runId: string; plan: BatchPlan & { range: { from: string; to: string } }; modelId: string },
  step: (step: string, detail: string) => void,
): Promise<{ wap: WapResult<TableWrite[]>; audits: BatchAuditResult[] }> {
  const { catalog } = options;
  const { runId, plan } = run;
  const range = plan.range;
  const errors = new Set<string>();
  let branch: string | undefined;
  let publishing = false;
  try {
    const wap = await writeAuditPublish({
      catalog,
      runId,
      keepFailedBranch: options.keepFailedBranch,
      onPhase: (phase, detail) => {
        if (phase === 'publish') publishing = true;
        step(phase, detail);
      },
      write: async (runBranch) => {
        branch = runBranch.name;
        const tables = await writeGold(runBranch, {
          ctx,
          catalog,
          runId,
          range,
          watermark: plan.watermark,
          closedThrough: plan.closedThrough,
          modelId: run.modelId,
          manifestBound: options.config.manifestBound,
        });
        await createAuditViews(ctx, catalog, runBranch.name, range);
        return tables;
      },
      audits: guardAudits(
        [
          ...batchAudits({
            duck: ctx.duck,
            ...range,
            newestRawDate: plan.newestRawDate,
            sqlDir: options.sqlDir,
          }),
          landedRangesAudit(plan.rawGaps),
        ],
        errors,
      ),
    });
    const audits = wap.audits.map((a) => (errors.has(a.name) ? { ...a, error: true as const } : a));
    return { wap, audits };
  } catch (error) {
    if (publishing && branch !== undefined && error instanceof CatalogConflictError) {
      step('publish', `lost to a concurrent publish (${error.tables.join(', ')}); dropping ${branch}`);
      try {
        await catalog.deleteBranch(branch);
      } catch (dropError) {
        throw new KitError(
          `batch ${runId}: publish lost to a concurrent one, and dropping ${branch} failed`,
          {
            cause: dropError,
          },
        );
      }
    }
    throw error;
  }
}

function stopIfAborted(signal: AbortSignal | undefined, where: string): void {
  if (signal?.aborted)
    throw new InterruptedError(`batch interrupted ${where}: nothing published, main unchanged`);
}

/** One run: plan, build, write-audit-publish, quality. */
async function runOnce(
  options: BatchOptions,
  step: (step: string, detail: string) => void,
): Promise<AttemptResult> {
  const { store, catalog } = options;
  const runId = newRunId();
  step('plan', 'reading the lake and the last published run');
  const plausible = plausibleDates(
    options.config.eventTimeMin ?? DEFAULT_EVENT_TIME_MIN,
    options.now ?? Date.now(),
  );
  const plan = await planBatch(store, catalog, options, plausible);
  const { range, reason, mainHash, skipped } = plan;
  const staleBranches = (await catalog.listBranches())
    .map((b) => b.name)
    .filter((name) => name.startsWith(RUN_BRANCH_PREFIX))
    .sort();
  if (staleBranches.length > 0) {
    step(
      'warning',
      `${staleBranches.length} run branch(es) left by earlier runs (a failed audit keeps its branch, a killed batch ` +
        `leaves its own): ${staleBranches.join(', ')}; look with \`lambda-iot table ls --ref <branch>\`, drop with ` +
        `\`lambda-iot catalog drop <branch>\``,
    );
  }
  for (const file of skipped) {
    step(
      'warning',
      `skipped ${file.key}: its date ${file.date} lies outside the plausible event-time window ` +
        `${plausible.from} … ${plausible.to} (LAMBDA_IOT_EVENT_TIME_MIN to now + 24 h); move it away`,
    );
  }
  const none = { dropped: 0, differing: 0 };
  const duplicates = { telemetry: none, events: none };
  const base = {
    runId,
    reason,
    skipped,
    staleBranches,
    models: [],
    duplicates,
    tables: [],
    audits: [],
    mainHash,
  };
  if (range === null) return { ...base, range: null, published: false };
  step('plan', `dates ${range.from} … ${range.to} (${reason})`);
  // Telemetry from the first baseline day; events from the beginning (days_since_maintenance needs them all);
  // nothing outside the plausible window.
  const baselineFrom = addDays(range.from, -13);
  const lake = await openLakeReader(store, {
    dataDir: options.config.dataDir,
    from: laterDate(baselineFrom, plausible.from),
    to: range.to,
    ranges: { events: { from: plausible.from, to: range.to } },
    limits: duckLimits(options.config),
    listed: plan.listed,
  });
  const ctx: IcebergContext = {
    duck: lake.duck,
    store,
    tmpDir: path.join(options.config.dataDir, 'tmp', `batch-${runId}`),
  };
  try {
    const scoring = await currentModel(store);
    const models = await buildModels(lake.duck, range, options, scoring, step);
    stopIfAborted(options.signal, 'before writing Gold');
    const duplicates = await countDuplicates(lake.duck, range);
    const dropped = describeDuplicates(duplicates);
    if (dropped !== undefined) step('silver', dropped);
    const { wap, audits } = await publishGold(
      ctx,
      options,
      { runId, plan: { ...plan, range }, modelId: scoring.model.id },
      step,
    );
    step('quality', 'failure_risk_score and model_risk_score against the failures that followed');
    const quality = await predictionQuality(lake.duck, options.horizonDays ?? 3);
    return {
      ...base,
      range,
      models,
      duplicates,
      tables: wap.written,
      audits,
      published: wap.published,
      mainHash: wap.targetHash,
      ...(wap.branchKept ? { branch: wap.branch } : {}),
      quality,
      model: {
        id: scoring.model.id,
        source: scoring.source,
        from: scoring.from,
        riskScore: options.config.riskScore ?? 'reference',
      },
    };
  } catch (error) {
    // A raw file DuckDB cannot read is reported by its lake key, with what to do about it.
    throw lake.explain(error);
  } finally {
    lake.close();
    // The run's scratch (local copies of S3 table files) goes with it: no empty tmp/batch-* folders left.
    fs.rmSync(ctx.tmpDir, { recursive: true, force: true });
  }
}

/**
 * The batch layer: builds silver and Gold with the SQL models in `sql/duckdb/` over the lake's raw files
 * (DuckDB, UTC session), writes the three Gold tables on a run branch (overwriting exactly the rebuilt
 * days), audits them (the run's checks and every model's SQL tests), and publishes all three with one
 * atomic merge into main, or keeps main unchanged and the branch for inspection when an audit fails. A
 * publish that loses to a concurrent one starts the whole run over from the new main (a new branch, new
 * dates, rebuilt tables, new audits), up to `config.publishRetries` more times. Reports how well
 * failure_risk_score ranked the devices that failed within `horizonDays`. A run that publishes keeps its
 * report in <data dir>/batch/last-published.json (`readLastPublishedRun`).
 * @example const result = await runBatch({ config, store, catalog });
 */
export async function runBatch(options: BatchOptions): Promise<BatchResult> {
  const problem = rangeProblem(options);
  if (problem !== undefined) throw new InvalidArgumentError(`batch range rejected: ${problem}`);
  const started = Date.now();
  const step = options.onStep ?? (() => {});
  const policy = {
    attempts: (options.config.publishRetries ?? 3) + 1,
    baseMs: options.config.retryBaseMs ?? 200,
    maxDelayMs: 10_000,
  };
  let attempts = 0;
  const result = await withRetry(
    'batch publish',
    policy,
    (attempt) => {
      attempts = attempt;
      return runOnce(options, step);
    },
    {
      onRetry: (error, attempt, delayMs) =>
        step(
          'retry',
          `attempt ${attempt} of ${policy.attempts} failed (${error instanceof Error ? error.message : String(error)}); starting over from main in ${delayMs} ms`,
        ),
    },
  );
  // A later run with nothing new can still show what the publishing run audited and measured.
  // Keeping the report is a courtesy: a publish that happened is not reported as failed because of it.
  if (result.published && result.range !== null) {
    try {
      recordPublishedRun(options.config.dataDir, { ...result, range: result.range });
    } catch (error) {
      step('warning', `published, but the run's report was not kept: ${(error as Error).message}`);
    }
  }
  return { ...result, attempts, elapsedMs: Date.now() - started };
}
