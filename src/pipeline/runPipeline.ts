import path from 'node:path';
import { type BatchResult, runBatch } from '../batch/runBatch.js';
import { describeTopics, type TopicSummary } from '../bus/lag.js';
import { describeLogTarget } from '../bus/openLog.js';
import type { Catalog } from '../catalog/port.js';
import { MAIN_BRANCH } from '../catalog/port.js';
import { readTable } from '../catalog/tableOps.js';
import { topicName } from '../config/names.js';
import { exportDashboard } from '../dashboard/export.js';
import { parseFilters } from '../dashboard/panels.js';
import { InterruptedError } from '../errors.js';
import type { IcebergContext } from '../iceberg/tableWriter.js';
import { DEFAULT_PLANT, historySimulation } from '../ingest/index.js';
import { summarizeLake } from '../lake/lakeSummary.js';
import { type LandingStats, landedRows, runLandingSink } from '../lake/landingSink.js';
import { RAW_KINDS, type RawKind, rawPrefix } from '../lake/rawLayout.js';
import { openServing } from '../serving/openServing.js';
import { type AnomalySummary, summarizeAnomalies } from '../speed/anomalySummary.js';
import type { PrecursorReport } from '../speed/precursors.js';
import { type RuleSet, referenceRules } from '../speed/ruleSet.js';
import { runStreamProcessor, type StreamStats } from '../speed/streamProcessor.js';
import { DAY_MS } from '../time/utcTime.js';
import { formatCount } from '../util/format.js';
import { SimulationSummaryCollector, summarizeSimulation } from './replaySimulation.js';
import { type ServingSummary, serveAfterBatch } from './servingStep.js';
import { simulateToLog } from './simulateToLog.js';
import type { Stack } from './stack.js';

/** The plant `npm start` runs: 10 devices × 7 days from 2025-04-01, seed 42. */
export interface PipelineOptions {
  /** Default 10. */
  devices?: number;
  /** Default 7. */
  days?: number;
  /** Default 42. */
  seed?: number;
  /** Speed-layer rules. Default: the reference rules. */
  rules?: RuleSet;
  /** Produce the simulation even if it is already in the log or another plant is on its dates (simulateToLog). */
  again?: boolean;
}

export interface PipelineSummary {
  log: string;
  simulation: {
    action: 'produced' | 'resumed' | 'skipped' | 'interrupted';
    runId: string;
    devices: number;
    days: number;
    seed: number;
    telemetry: number;
    events: number;
    failures: number;
    groundTruthDir: string;
  };
  /** Do excursions precede failures? (24 h horizon, from the simulated stream.) */
  precursors: PrecursorReport;
  /** The speed layer's work in this run (0 read when everything was already processed). */
  speed: StreamStats & { rules: string };
  /** What the anomalies topic holds, deduplicated by identity. */
  anomalies: AnomalySummary;
  /** The landing sink's work in this run (nothing read when everything was already landed). */
  landing: LandingStats;
  /** The batch run: silver and Gold built, audited and published to main (or why nothing was). */
  batch: BatchResult;
  /** The devices most at risk on the newest published date (gold_failure_predictions on main). */
  topRisk: Record<string, unknown>[];
  /** The serving layer: Gold attached, the log ingested, the merged view's most critical device-days, freshness. */
  serving: ServingSummary;
  /** The static dashboard export written at the end (`<data dir>/dashboard/dashboard.html`, last 7 days). */
  dashboard: { html: string; range: string; panels: { name: string; rows: number }[] };
  /** What the lake holds now under raw/, per dataset (files, rows from the Parquet footers, bytes). */
  lake: { store: string } & Record<RawKind, { files: number; rows: number; bytes: number }>;
  topics: TopicSummary[];
  elapsedMs: number;
}

export interface PipelineEffects {
  /** Reports each step as it starts and ends. */
  onStep?: (step: string, status: 'start' | 'done', detail?: string) => void;
  /** Progress within a step, 0..1. */
  onProgress?: (step: string, fraction: number) => void;
  signal?: AbortSignal;
}

/**
 * The whole pipeline, wired in one place, on whatever log the config selects. Steps so far:
 * simulate (idempotent: an existing run is not produced twice) → speed layer over what is in the log
 * (resumes from its checkpoint, so a rerun processes nothing twice) → landing into the lake (resumes after
 * the newest landed file, so a rerun lands nothing twice) → batch (silver and Gold, audited, published) →
 * serving (Gold attached, anomalies and real-time rows ingested, the merged views refreshed) → summaries.
 * When `effects.signal` aborts (SIGINT/SIGTERM) the running step stops after its current batch and commits,
 * no later step starts, and InterruptedError is thrown.
 * @example const summary = await withStack(loadConfig(), (stack) => runPipeline(stack, { devices: 3, days: 2 }));
 */
export async function runPipeline(
  stack: Stack,
  options: PipelineOptions = {},
  effects: PipelineEffects = {},
): Promise<PipelineSummary> {
  const started = Date.now();
  const { config } = stack;
  const log = await stack.log();
  const devices = options.devices ?? DEFAULT_PLANT.devices;
  const days = options.days ?? DEFAULT_PLANT.days;
  const seed = options.seed ?? DEFAULT_PLANT.seed;
  const simulation = historySimulation({ devices, days, seed });
  // On SIGINT/SIGTERM the running step stops after its current batch and commits; no later step starts.
  const stopIfAborted = (step: string, detail: string) => {
    if (effects.signal?.aborted)
      throw new InterruptedError(
        `pipeline interrupted during ${step} (${detail}); what was finished is committed, run again to continue`,
      );
  };

  effects.onStep?.('simulate', 'start');
  const simulated = new SimulationSummaryCollector({ seed, horizonMs: DAY_MS });
  const produced = await simulateToLog({
    log,
    config,
    simulation,
    logTarget: describeLogTarget(config),
    again: options.again,
    signal: effects.signal,
    onProgress: (fraction) => effects.onProgress?.('simulate', fraction),
    onMessage: (m) => simulated.add(m),
  });
  // Nothing generated: replay the deterministic simulation in memory for the statistics.
  const { precursors } =
    produced.action === 'skipped' ? summarizeSimulation(simulation) : simulated.summary();
  stopIfAborted('simulate', `${formatCount(produced.manifest.produced.telemetry)} readings in the log`);
  effects.onStep?.('simulate', 'done', produced.action);

  const rules = options.rules ?? referenceRules();
  effects.onStep?.('speed layer', 'start');
  const speed = await runStreamProcessor({
    log,
    config,
    rules,
    untilEnd: true,
    signal: effects.signal,
  });
  stopIfAborted('speed layer', `${formatCount(speed.read)} readings processed`);
  const anomalies = await summarizeAnomalies(log, topicName(config, 'anomalies'));
  effects.onStep?.('speed layer', 'done', `${speed.read} readings processed`);

  effects.onStep?.('land', 'start');
  const store = await stack.store();
  const landing = await runLandingSink({ log, store, config, untilEnd: true, signal: effects.signal });
  stopIfAborted('land', `${formatCount(landedRows(landing))} rows landed`);
  const lake = { store: store.describe() } as PipelineSummary['lake'];
  for (const kind of RAW_KINDS) {
    const { totals } = await summarizeLake(store, rawPrefix(kind));
    lake[kind] = { files: totals.objects, rows: totals.rows, bytes: totals.bytes };
  }
  effects.onStep?.('land', 'done', `${landedRows(landing)} rows landed`);

  effects.onStep?.('batch', 'start');
  const catalog = await stack.catalog();
  const batch = await runBatch({ config, store, catalog, signal: effects.signal });
  stopIfAborted('batch', batch.published ? 'published' : batch.reason);
  const topRisk = await topRiskDevices(catalog, await stack.tables());
  effects.onStep?.('batch', 'done', batch.published ? 'published' : batch.reason);

  effects.onStep?.('serve', 'start');
  const serving = await serveAfterBatch(stack, { signal: effects.signal });
  stopIfAborted('serve', 'Gold attached');
  effects.onStep?.(
    'serve',
    'done',
    serving.ingested ? `${serving.ingested.read} messages ingested` : 'via the running owner',
  );

  effects.onStep?.('topics', 'start');
  const topics = await describeTopics(log);
  effects.onStep?.('topics', 'done');

  effects.onStep?.('dashboard', 'start');
  const dashboard = await writeDashboardExport(stack);
  effects.onStep?.('dashboard', 'done', dashboard.html);

  const m = produced.manifest;
  return {
    log: describeLogTarget(config),
    simulation: {
      action: produced.action,
      runId: m.runId,
      devices,
      days,
      seed,
      telemetry: m.produced.telemetry,
      events: m.produced.events,
      failures: m.failures,
      groundTruthDir: produced.groundTruthDir,
    },
    precursors,
    speed: { ...speed, rules: `${rules.name}@${rules.version}` },
    anomalies,
    landing,
    lake,
    batch,
    topRisk,
    serving,
    topics,
    dashboard,
    elapsedMs: Date.now() - started,
  };
}

/** The five devices with the highest failure_risk_score on the newest prediction date published on main. */
async function topRiskDevices(catalog: Catalog, tables: IcebergContext): Promise<Record<string, unknown>[]> {
  const rows = await readTable(catalog, tables, MAIN_BRANCH, 'iot.gold_failure_predictions');
  const newest = rows.reduce(
    (d, r) => ((r.prediction_date as string) > d ? (r.prediction_date as string) : d),
    '',
  );
  return rows
    .filter((r) => r.prediction_date === newest)
    .sort((a, b) => (b.failure_risk_score as number) - (a.failure_risk_score as number))
    .slice(0, 5)
    .map((r) => ({
      device_id: r.device_id,
      prediction_date: r.prediction_date,
      failure_risk_score: r.failure_risk_score,
      recommended_action: r.recommended_action,
    }));
}

/** The static dashboard export of the last 7 days under `<data dir>/dashboard/`, through the serving owner. */
async function writeDashboardExport(stack: Stack): Promise<PipelineSummary['dashboard']> {
  const handle = await openServing(stack);
  try {
    const range = '7d';
    const out = await exportDashboard(
      handle.serving,
      path.join(stack.config.dataDir, 'dashboard'),
      parseFilters({ range }),
    );
    return { html: out.html, range, panels: out.panels };
  } finally {
    await handle.close();
  }
}
