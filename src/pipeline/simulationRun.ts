import { createHash } from 'node:crypto';
import path from 'node:path';
import type { Config } from '../config/config.js';
import type { SimulationOptions } from '../ingest/index.js';
import { formatUtc } from '../time/utcTime.js';
import { readJsonIfExists, writeFileAtomic } from '../util/atomicFile.js';

/** What a simulation run into a log has done so far; checkpointed after every acknowledged batch. */
export interface SimulationManifest {
  /** Identity of the simulation (options only): names its ground-truth directory. */
  simulationId: string;
  /** Identity of this simulation in this log (options + log target). */
  runId: string;
  options: SimulationOptions;
  /** Where the messages went, e.g. "embedded /…/log.sqlite" (no secrets). */
  logTarget: string;
  status: 'partial' | 'complete';
  /** Messages acknowledged by the log, in generator order (a resume skips this many). */
  produced: { telemetry: number; events: number };
  failures: number;
  /** Operational times (wall clock). */
  startedAt: string;
  updatedAt: string;
}

const compact = (ms: number) =>
  formatUtc(ms)
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');

/** Deterministic id of a simulation's options, e.g. "degrading-s42-d10-20250401T000000Z-20250408T000000Z-c60". */
export function simulationId(options: SimulationOptions): string {
  return `${options.profile}-s${options.seed}-d${options.devices}-${compact(options.fromMs)}-${compact(options.toMs)}-c${options.cadenceMs / 1000}`;
}

/** Directory of a simulation's ground truth under the data directory. */
export function groundTruthDir(config: Pick<Config, 'dataDir'>, options: SimulationOptions): string {
  return path.join(config.dataDir, 'ground-truth', simulationId(options));
}

function manifestFile(config: Pick<Config, 'dataDir'>, runId: string): string {
  return path.join(config.dataDir, 'simulations', `${runId}.json`);
}

/** The run id of a simulation into one log target (the same plant into another log is another run). */
export function simulationRunId(options: SimulationOptions, logTarget: string): string {
  const target = createHash('sha256').update(logTarget).digest('hex').slice(0, 8);
  return `${simulationId(options)}-${target}`;
}

export function readManifest(config: Pick<Config, 'dataDir'>, runId: string): SimulationManifest | undefined {
  return readJsonIfExists<SimulationManifest>(manifestFile(config, runId));
}

export function writeManifest(config: Pick<Config, 'dataDir'>, manifest: SimulationManifest): void {
  writeFileAtomic(manifestFile(config, manifest.runId), `${JSON.stringify(manifest, null, 2)}\n`);
}
