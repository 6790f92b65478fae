import { describeLogIdentity, type Log, type ProduceRecord } from '../bus/port.js';
import type { Config } from '../config/config.js';
import { topicName } from '../config/names.js';
import {
  PlantSimulator,
  type SimulatedMessage,
  type SimulationOptions,
  writeGroundTruth,
} from '../ingest/index.js';
import { crashPoint } from '../testing/crash.js';
import { takeExclusiveLock } from '../util/exclusiveLock.js';
import { yieldToEventLoop } from '../util/yieldToEventLoop.js';
import {
  groundTruthDir,
  readManifest,
  refuseOtherPlant,
  type SimulationManifest,
  simulationId,
  simulationRunId,
  simulationsLockFile,
  writeManifest,
} from './simulationRun.js';

export interface SimulateToLogOptions {
  log: Log;
  config: Config;
  simulation: SimulationOptions;
  /** Where the log lives (from describeLogTarget); part of the run's identity. */
  logTarget: string;
  /**
   * Produce again even if this simulation already went into this log, or the data directory holds another
   * plant on overlapping dates. Default false.
   */
  again?: boolean;
  /** Called when another simulation into this data directory is under way and this one waits for it. */
  onWait?: () => void;
  /** Messages per produce call. Default 2000. */
  batchSize?: number;
  /** Called after every acknowledged batch with the fraction of simulated time done. */
  onProgress?: (fraction: number, produced: SimulationManifest['produced']) => void;
  /** Sees every generated message (also those skipped on resume), e.g. to collect statistics. */
  onMessage?: (message: SimulatedMessage) => void;
  /** Stops after the current batch. */
  signal?: AbortSignal;
}

export interface SimulateToLogResult {
  manifest: SimulationManifest;
  /** produced: all new; resumed: a partial run was completed; skipped: already complete in this log. */
  action: 'produced' | 'resumed' | 'skipped' | 'interrupted';
  groundTruthDir: string;
}

/**
 * Produces a simulated history into the log, idempotently: the run's manifest (data dir/simulations/)
 * is checkpointed after every acknowledged batch, a second run of the same simulation into the same log
 * is skipped, and a run that crashed resumes after its last checkpoint (at most one batch repeats, which
 * silver deduplicates). Runs into one data directory take turns (a lock under simulations/): of two
 * started together, the second waits and then finds the first's run complete. Unless `again`, a
 * simulation of another plant on dates the data directory already holds is refused
 * (SimulationConflictError, see refuseOtherPlant). Ground truth goes to data dir/ground-truth/<simulation id>/.
 * @example await simulateToLog({ log, config, simulation, logTarget: describeLogTarget(config) });
 */
export async function simulateToLog(options: SimulateToLogOptions): Promise<SimulateToLogResult> {
  const { config, simulation } = options;
  // A run is keyed by the log's identity, not its path: a reset log is another log (the simulation goes
  // in again), a moved or copied data directory is the same one (it does not).
  const runKey = describeLogIdentity(await options.log.identity());
  const lock = await takeExclusiveLock(simulationsLockFile(config), {
    signal: options.signal,
    onWait: options.onWait,
  });
  if (lock === undefined) {
    // Stopped while waiting for another run: nothing produced.
    const runId = simulationRunId(simulation, runKey);
    const manifest = readManifest(config, runId) ?? newManifest(options, runId);
    return { manifest, action: 'interrupted', groundTruthDir: groundTruthDir(config, simulation) };
  }
  try {
    // A run already accepted (complete: skipped; partial: resumed) is never refused afterwards.
    const known = readManifest(config, simulationRunId(simulation, runKey)) !== undefined;
    if (!options.again && !known) refuseOtherPlant(config, simulation);
    return await produceSimulation(options, runKey);
  } finally {
    lock.release();
  }
}

/** The manifest of a run that has produced nothing yet. */
function newManifest(options: SimulateToLogOptions, runId: string): SimulationManifest {
  const now = new Date().toISOString();
  return {
    simulationId: simulationId(options.simulation),
    runId,
    options: options.simulation,
    logTarget: options.logTarget,
    status: 'partial',
    produced: { telemetry: 0, events: 0 },
    failures: 0,
    startedAt: now,
    updatedAt: now,
  };
}

/** simulateToLog's work, under the lock. */
async function produceSimulation(
  options: SimulateToLogOptions,
  runKey: string,
): Promise<SimulateToLogResult> {
  const { log, config, simulation } = options;
  const runId = simulationRunId(simulation, runKey) + (options.again ? `-again-${Date.now()}` : '');
  const truthDir = groundTruthDir(config, simulation);
  const previous = readManifest(config, runId);
  if (previous?.status === 'complete')
    return { manifest: previous, action: 'skipped', groundTruthDir: truthDir };

  const now = () => new Date().toISOString();
  const manifest = previous ?? newManifest(options, runId);
  const skip = manifest.produced.telemetry + manifest.produced.events;
  const topics = { telemetry: topicName(config, 'telemetry'), events: topicName(config, 'events') };
  await log.ensureTopic(topics.telemetry);
  await log.ensureTopic(topics.events);

  const simulator = new PlantSimulator(simulation);
  const batchSize = options.batchSize ?? 2000;
  const pending: Record<'telemetry' | 'events', ProduceRecord[]> = { telemetry: [], events: [] };
  let seen = 0;
  let lastTime = simulation.fromMs;
  const span = Math.max(1, simulation.toMs - simulation.fromMs);

  const flush = async () => {
    for (const kind of ['telemetry', 'events'] as const) {
      if (pending[kind].length > 0) await log.produce(topics[kind], pending[kind]);
      manifest.produced[kind] += pending[kind].length;
      pending[kind] = [];
    }
    crashPoint('simulate:after-produce');
    manifest.updatedAt = now();
    writeManifest(config, manifest);
    options.onProgress?.((lastTime - simulation.fromMs) / span, { ...manifest.produced });
  };

  let interrupted = false;
  for (const message of simulator.advance(simulation.toMs)) {
    options.onMessage?.(message);
    lastTime = message.timestamp;
    seen += 1;
    if (seen <= skip) {
      // A resume regenerates what was produced before: answer a signal once per batch's worth here too.
      if (seen % batchSize === 0) {
        await yieldToEventLoop();
        if (options.signal?.aborted) {
          interrupted = true;
          break;
        }
      }
      continue;
    }
    pending[message.topic].push({
      key: message.key,
      value: JSON.stringify(message.value),
      timestamp: message.timestamp,
    });
    if (pending.telemetry.length + pending.events.length >= batchSize) {
      await flush();
      // The embedded log acknowledges at once: give a SIGINT/SIGTERM handler its turn once per batch.
      await yieldToEventLoop();
      if (options.signal?.aborted) {
        interrupted = true;
        break;
      }
    }
  }
  if (!interrupted) {
    lastTime = simulation.toMs;
    await flush();
    manifest.status = 'complete';
  }
  manifest.failures = simulator.truth.failures.length;
  manifest.updatedAt = now();
  writeGroundTruth(truthDir, simulator.truth);
  writeManifest(config, manifest);
  return {
    manifest,
    action: interrupted ? 'interrupted' : skip > 0 ? 'resumed' : 'produced',
    groundTruthDir: truthDir,
  };
}
