import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Config } from '../config/config.js';
import { KitError, SimulationConflictError } from '../errors.js';
import type { SimulationOptions } from '../ingest/index.js';
import { formatUtc, utcDate } from '../time/utcTime.js';
import { readJsonIfExists, writeFileAtomic } from '../util/atomicFile.js';

/** What a simulation run into a log has done so far; checkpointed after every acknowledged batch. */
export interface SimulationManifest {
  /** Identity of the simulation (options only): names its ground-truth directory. */
  simulationId: string;
  /** Identity of this simulation in this log (options + the log's identity). */
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

function simulationsDir(config: Pick<Config, 'dataDir'>): string {
  return path.join(config.dataDir, 'simulations');
}

function manifestFile(config: Pick<Config, 'dataDir'>, runId: string): string {
  return path.join(simulationsDir(config), `${runId}.json`);
}

/**
 * The lock every history simulation into the data directory holds while it reads, produces and checkpoints
 * (see takeExclusiveLock): two started together never both produce, and the plant check sees every run.
 */
export function simulationsLockFile(config: Pick<Config, 'dataDir'>): string {
  return path.join(simulationsDir(config), 'lock.sqlite');
}

/**
 * The run id of a simulation into one log, `logKey` naming the log by its identity (describeLogIdentity):
 * the same plant into another log is another run.
 */
export function simulationRunId(options: SimulationOptions, logKey: string): string {
  const target = createHash('sha256').update(logKey).digest('hex').slice(0, 8);
  return `${simulationId(options)}-${target}`;
}

export function readManifest(config: Pick<Config, 'dataDir'>, runId: string): SimulationManifest | undefined {
  return readJsonIfExists<SimulationManifest>(manifestFile(config, runId));
}

export function writeManifest(config: Pick<Config, 'dataDir'>, manifest: SimulationManifest): void {
  writeFileAtomic(manifestFile(config, manifest.runId), `${JSON.stringify(manifest, null, 2)}\n`);
}

/**
 * What decides a device's readings: a degrading device's depend on (seed, cadence, start) and its index
 * only; the reference plant draws every device from one stream, so its device count counts too. Two
 * simulations of one plant give identical messages for the devices and times they share.
 */
export function plantOf(options: SimulationOptions): string {
  const common = `${options.profile} plant, seed ${options.seed}, from ${formatUtc(options.fromMs)}`;
  return options.profile === 'reference'
    ? `${common}, ${options.devices} devices`
    : `${common}, cadence ${options.cadenceMs / 1000} s`;
}

/** The UTC dates a simulation covers, first and last. */
function datesOf(options: SimulationOptions): [string, string] {
  const last = Number.isFinite(options.toMs) ? options.toMs - 1 : 8.64e15;
  return [utcDate(options.fromMs), utcDate(last)];
}

/** Every simulation manifest in the data directory, in file name order. */
export function listManifests(config: Pick<Config, 'dataDir'>): SimulationManifest[] {
  const dir = simulationsDir(config);
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((name) => name.endsWith('.json'))
    .sort()
    .map((name) => {
      const file = path.join(dir, name);
      try {
        return JSON.parse(fs.readFileSync(file, 'utf8')) as SimulationManifest;
      } catch (error) {
        throw new KitError(`simulate manifest unreadable: ${file}`, { cause: error });
      }
    });
}

/**
 * Refuses a simulation when the data directory already holds another plant (plantOf) on overlapping UTC
 * dates: device ids always overlap (device_1…), so the lake would hold two plants' readings for the same
 * devices and days and Gold would mix them. Another run of the same plant is fine: its shared readings are
 * the same readings, which silver deduplicates.
 * @example refuseOtherPlant(config, simulation); // throws SimulationConflictError (exit 2)
 */
export function refuseOtherPlant(config: Pick<Config, 'dataDir'>, simulation: SimulationOptions): void {
  const plant = plantOf(simulation);
  const [from, to] = datesOf(simulation);
  for (const other of listManifests(config)) {
    if (plantOf(other.options) === plant) continue;
    const [otherFrom, otherTo] = datesOf(other.options);
    if (otherTo < from || to < otherFrom) continue;
    throw new SimulationConflictError(
      `simulate refused: the data directory ${config.dataDir} already holds another plant on overlapping dates ` +
        `(run ${other.runId}: ${plantOf(other.options)}, ${other.options.devices} devices, ${otherFrom} … ${otherTo}); ` +
        `this one is a ${plant}, ${simulation.devices} devices, ${from} … ${to}. The two plants' readings would ` +
        `mix in the lake and in Gold. Use a fresh LAMBDA_IOT_DATA_DIR, or --again to produce anyway.`,
      { runId: other.runId, dataDir: config.dataDir },
    );
  }
}
