import type { BatchAuditResult } from '../batch/audits.js';
import { readLastPublishedRun } from '../batch/publishedRun.js';
import type { PredictionQuality } from '../batch/quality.js';
import type { BatchResult } from '../batch/runBatch.js';

/** The batch run a notebook shows: this run, or, when it found nothing new, the last run that published. */
export interface ShownBatch {
  /** One line saying which run this is and why. */
  heading: string;
  runId: string;
  published: boolean;
  models: BatchResult['models'];
  audits: BatchAuditResult[];
  quality?: PredictionQuality;
}

/**
 * What to show after `runBatch`: the run itself when it built something; when it found nothing new (a second
 * "Run All"), the report of the last run that published in this data directory, saying so, so the audits and
 * the prediction quality stay on screen instead of empty tables.
 * @example const shown = showBatch(await runBatch({ config, store, catalog }), config.dataDir); console.log(shown.heading);
 */
export function showBatch(batch: BatchResult, dataDir: string): ShownBatch {
  const own = {
    runId: batch.runId,
    published: batch.published,
    models: batch.models,
    audits: batch.audits,
    ...(batch.quality ? { quality: batch.quality } : {}),
  };
  if (batch.range !== null) {
    return { heading: `batch ${batch.runId}: ${batch.reason}; published: ${batch.published}`, ...own };
  }
  const last = readLastPublishedRun(dataDir);
  if (last === undefined) {
    return { heading: `nothing new (${batch.reason}); no published run is recorded in ${dataDir}`, ...own };
  }
  return {
    heading: `nothing new (${batch.reason}); showing the run that published: ${last.runId}, ${last.publishedAt} (${last.range.from} … ${last.range.to})`,
    runId: last.runId,
    published: true,
    models: last.models,
    audits: last.audits,
    ...(last.quality ? { quality: last.quality } : {}),
  };
}
