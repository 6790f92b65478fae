import path from 'node:path';
import { readJsonIfExists, writeFileAtomic } from '../util/atomicFile.js';
import type { BatchAuditResult } from './audits.js';
import type { ModelName } from './models.js';
import type { PredictionQuality } from './quality.js';

/** What a published batch run reported, kept so a later run with nothing new can show it. */
export interface PublishedRunReport {
  runId: string;
  /** When the run published, ISO 8601 UTC. */
  publishedAt: string;
  range: { from: string; to: string };
  reason: string;
  models: { model: ModelName; rows: number; ms: number }[];
  audits: BatchAuditResult[];
  /** main's head after the publish. */
  mainHash: string;
  quality?: PredictionQuality;
}

/** Where the last published run's report lives: <data dir>/batch/last-published.json. */
export function publishedRunFile(dataDir: string): string {
  return path.join(dataDir, 'batch', 'last-published.json');
}

/**
 * Keeps the report of a run that published (its audits and prediction quality are computed only while it
 * runs), replacing the previous one.
 * @example recordPublishedRun(config.dataDir, { ...result, range: result.range! }, Date.now());
 */
export function recordPublishedRun(
  dataDir: string,
  run: Omit<PublishedRunReport, 'publishedAt'>,
  nowMs = Date.now(),
): void {
  const report: PublishedRunReport = {
    runId: run.runId,
    publishedAt: new Date(nowMs).toISOString(),
    range: run.range,
    reason: run.reason,
    models: run.models,
    // offending rows may hold values JSON cannot write (BigInt): keep the audits' verdicts and details
    audits: run.audits.map(({ offending: _, ...audit }) => audit),
    mainHash: run.mainHash,
    ...(run.quality ? { quality: run.quality } : {}),
  };
  writeFileAtomic(publishedRunFile(dataDir), `${JSON.stringify(report, null, 1)}\n`);
}

/**
 * The report of the last run that published in this data directory, or undefined when none did (or it
 * published before reports were kept).
 * @example readLastPublishedRun(config.dataDir)?.audits
 */
export function readLastPublishedRun(dataDir: string): PublishedRunReport | undefined {
  return readJsonIfExists<PublishedRunReport>(publishedRunFile(dataDir));
}
