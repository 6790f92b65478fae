import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { InvalidArgumentError } from '../errors.js';
import type { COMPONENTS, ROOT_CAUSES } from '../schema/events.js';
import { formatUtc } from '../time/utcTime.js';
import type { SimulationOptions } from './simulationOptions.js';

/** How a device wears out between restores; it decides which metrics rise and which part fails. */
export const DEGRADATION_MODES = ['bearing', 'motor', 'electrical'] as const;
export type DegradationMode = (typeof DEGRADATION_MODES)[number];

/** The run that produced the truth: its options plus readable bounds (`to` null for an open-ended run). */
export interface RunInfo extends SimulationOptions {
  from: string;
  to: string | null;
}

/** Hidden health of one device at the start of one simulated hour. */
export interface HealthSample {
  device_id: string;
  timestamp: string;
  /** 0 (broken) .. 1 (new), 4 dp. */
  health: number;
  mode: DegradationMode;
}

export interface FailureTruth {
  device_id: string;
  timestamp: string;
  component: (typeof COMPONENTS)[number];
  root_cause: (typeof ROOT_CAUSES)[number];
  /** Hidden health when it failed; null for the 'reference' profile (no health model). */
  health: number | null;
  mode: DegradationMode | null;
}

export interface MaintenanceTruth {
  device_id: string;
  timestamp: string;
  reason: 'scheduled' | 'after_failure' | 'after_inspection';
  health_before: number;
  health_after: number;
}

export interface InspectionTruth {
  device_id: string;
  timestamp: string;
  status: 'passed' | 'failed';
  health: number;
}

/** What really happened in a simulated run (the 'reference' profile only knows its failures). */
export interface GroundTruth {
  run: RunInfo;
  health: HealthSample[];
  failures: FailureTruth[];
  maintenances: MaintenanceTruth[];
  inspections: InspectionTruth[];
}

const NDJSON_FILES = {
  failures: 'failures.ndjson',
  maintenances: 'maintenances.ndjson',
  health: 'health.ndjson',
  inspections: 'inspections.ndjson',
} as const;

/**
 * Describes a run for its ground truth.
 * @example describeRun(options).from; // "2025-04-01T00:00:00Z"
 */
export function describeRun(options: SimulationOptions): RunInfo {
  return {
    ...options,
    from: formatUtc(options.fromMs),
    to: Number.isFinite(options.toMs) ? formatUtc(options.toMs) : null,
  };
}

function writeAtomically(path: string, text: string): void {
  const temporary = `${path}.tmp-${process.pid}`;
  writeFileSync(temporary, text);
  renameSync(temporary, path);
}

function formatNdjson(rows: readonly unknown[]): string {
  let text = '';
  for (const row of rows) text += `${JSON.stringify(row)}\n`;
  return text;
}

/**
 * Writes ground truth as dir/run.json plus failures, maintenances, health and inspections .ndjson files
 * (each through a temporary file and a rename, so readers never see half a file). Creates dir.
 * @example writeGroundTruth('data/truth/seed1', simulator.truth);
 */
export function writeGroundTruth(dir: string, truth: GroundTruth): void {
  mkdirSync(dir, { recursive: true });
  // JSON has no Infinity: an open-ended run stores toMs as null.
  const run = { ...truth.run, toMs: Number.isFinite(truth.run.toMs) ? truth.run.toMs : null };
  writeAtomically(join(dir, 'run.json'), `${JSON.stringify(run, null, 2)}\n`);
  for (const [field, file] of Object.entries(NDJSON_FILES)) {
    writeAtomically(join(dir, file), formatNdjson(truth[field as keyof typeof NDJSON_FILES]));
  }
}

function readNdjson<T>(path: string): T[] {
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as T);
}

/**
 * Reads ground truth written by writeGroundTruth; a missing run.json is an InvalidArgumentError.
 * @example const truth = readGroundTruth('data/truth/seed1'); truth.failures.length;
 */
export function readGroundTruth(dir: string): GroundTruth {
  const runPath = join(dir, 'run.json');
  let run: RunInfo;
  try {
    const parsed = JSON.parse(readFileSync(runPath, 'utf8')) as Omit<RunInfo, 'toMs'> & {
      toMs: number | null;
    };
    run = { ...parsed, toMs: parsed.toMs ?? Number.POSITIVE_INFINITY };
  } catch (error) {
    throw new InvalidArgumentError(`ground truth not readable: ${runPath}`, {
      cause: error,
      context: { dir },
    });
  }
  return {
    run,
    health: readNdjson<HealthSample>(join(dir, NDJSON_FILES.health)),
    failures: readNdjson<FailureTruth>(join(dir, NDJSON_FILES.failures)),
    maintenances: readNdjson<MaintenanceTruth>(join(dir, NDJSON_FILES.maintenances)),
    inspections: readNdjson<InspectionTruth>(join(dir, NDJSON_FILES.inspections)),
  };
}
