import path from 'node:path';
import { type BatchResult, runBatch } from '../batch/runBatch.js';
import { describeTopics, type TopicSummary } from '../bus/lag.js';
import { describeLogTarget } from '../bus/openLog.js';
import type { Log } from '../bus/port.js';
import { openCatalog } from '../catalog/openCatalog.js';
import type { Catalog } from '../catalog/port.js';
import { MAIN_BRANCH } from '../catalog/port.js';
import { readTable } from '../catalog/tableOps.js';
import type { Config } from '../config/config.js';
import { topicName } from '../config/names.js';
import { DAY_MS, DEFAULT_CADENCE_MS, DEFAULT_FROM_MS, type SimulationOptions } from '../ingest/index.js';
import { openDuckSession } from '../lake/duckdb.js';
import { summarizeLake } from '../lake/lakeSummary.js';
import { type LandingStats, runLandingSink } from '../lake/landingSink.js';
import type { ObjectStore } from '../lake/objectStore.js';
import { openObjectStore } from '../lake/openObjectStore.js';
import { RAW_KINDS, type RawKind, rawPrefix } from '../lake/rawLayout.js';
import type { MachineEvent } from '../schema/events.js';
import type { Telemetry } from '../schema/telemetry.js';
import { type AnomalySummary, summarizeAnomalies } from '../speed/anomalySummary.js';
import { PrecursorCollector, type PrecursorReport } from '../speed/precursors.js';
import { type RuleSet, referenceRules } from '../speed/ruleSet.js';
import { runStreamProcessor, type StreamStats } from '../speed/streamProcessor.js';
import { simulateToLog } from './simulateToLog.js';

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
 * the newest landed file, so a rerun lands nothing twice) → anomaly, lake and topic summaries.
 * @example const summary = await runPipeline(log, loadConfig(), { devices: 3, days: 2 });
 */
export async function runPipeline(
  log: Log,
  config: Config,
  options: PipelineOptions = {},
  effects: PipelineEffects = {},
): Promise<PipelineSummary> {
  const started = Date.now();
  const devices = options.devices ?? 10;
  const days = options.days ?? 7;
  const seed = options.seed ?? 42;
  const simulation: SimulationOptions = {
    devices,
    seed,
    fromMs: DEFAULT_FROM_MS,
    toMs: DEFAULT_FROM_MS + days * DAY_MS,
    cadenceMs: DEFAULT_CADENCE_MS,
    profile: 'degrading',
  };

  effects.onStep?.('simulate', 'start');
  const precursors = new PrecursorCollector({ horizonMs: DAY_MS, seed });
  const produced = await simulateToLog({
    log,
    config,
    simulation,
    logTarget: describeLogTarget(config),
    signal: effects.signal,
    onProgress: (fraction) => effects.onProgress?.('simulate', fraction),
    onMessage: (m) => {
      if (m.topic === 'telemetry') precursors.addTelemetry(m.value as Telemetry);
      else precursors.addEvent(m.value as MachineEvent);
    },
  });
  if (produced.action === 'skipped') {
    // Nothing was generated; replay the deterministic simulation in memory for the statistics.
    const { simulateHistory } = await import('../ingest/index.js');
    for (const m of simulateHistory(simulation)) {
      if (m.topic === 'telemetry') precursors.addTelemetry(m.value as Telemetry);
      else precursors.addEvent(m.value as MachineEvent);
    }
  }
  effects.onStep?.('simulate', 'done', produced.action);

  const rules = options.rules ?? referenceRules();
  effects.onStep?.('speed layer', 'start');
  const speed = await runStreamProcessor({
    log,
    config,
    rules,
    logTarget: describeLogTarget(config),
    untilEnd: true,
    signal: effects.signal,
  });
  const anomalies = await summarizeAnomalies(log, topicName(config, 'anomalies'));
  effects.onStep?.('speed layer', 'done', `${speed.read} readings processed`);

  effects.onStep?.('land', 'start');
  const store = await openObjectStore(config);
  let landing: LandingStats;
  let lake: PipelineSummary['lake'];
  let batch: BatchResult;
  let topRisk: Record<string, unknown>[];
  const catalog = openCatalog(config, store);
  try {
    landing = await runLandingSink({ log, store, config, untilEnd: true, signal: effects.signal });
    lake = { store: store.describe() } as PipelineSummary['lake'];
    for (const kind of RAW_KINDS) {
      const { totals } = await summarizeLake(store, rawPrefix(kind));
      lake[kind] = { files: totals.objects, rows: totals.rows, bytes: totals.bytes };
    }
    effects.onStep?.('land', 'done', `${landing.telemetry.rows + landing.events.rows} rows landed`);

    effects.onStep?.('batch', 'start');
    batch = await runBatch({ config, store, catalog });
    topRisk = await topRiskDevices(config, store, catalog);
    effects.onStep?.('batch', 'done', batch.published ? 'published' : batch.reason);
  } finally {
    await catalog.close();
    await store.close();
  }

  effects.onStep?.('topics', 'start');
  const topics = await describeTopics(log);
  effects.onStep?.('topics', 'done');

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
    precursors: precursors.report(),
    speed: { ...speed, rules: `${rules.name}@${rules.version}` },
    anomalies,
    landing,
    lake,
    batch,
    topRisk,
    topics,
    elapsedMs: Date.now() - started,
  };
}

/** The five devices with the highest failure_risk_score on the newest prediction date published on main. */
async function topRiskDevices(
  config: Config,
  store: ObjectStore,
  catalog: Catalog,
): Promise<Record<string, unknown>[]> {
  const duck = await openDuckSession();
  try {
    const ctx = { duck, store, tmpDir: path.join(config.dataDir, 'tmp', 'top-risk') };
    const rows = await readTable(catalog, ctx, MAIN_BRANCH, 'iot.gold_failure_predictions');
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
  } finally {
    duck.close();
  }
}
