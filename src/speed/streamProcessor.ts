import { runConsumeLoop } from '../bus/consumeLoop.js';
import { writeDeadLetters } from '../bus/deadLetters.js';
import { readGroupLag } from '../bus/lag.js';
import { describeLogIdentity, type Log, type LogRecord, type ProduceRecord } from '../bus/port.js';
import type { Config } from '../config/config.js';
import { GROUPS, qualifiedName, topicName } from '../config/names.js';
import { UnknownTopicError } from '../errors.js';
import { Anomaly } from '../schema/anomaly.js';
import { DeviceDayHealth } from '../schema/deviceDayHealth.js';
import type { Severity } from '../schema/severity.js';
import { Telemetry } from '../schema/telemetry.js';
import { describeIssues, validateMessage } from '../schema/validate.js';
import { crashPoint } from '../testing/crash.js';
import { intervalGate, PROGRESS_INTERVAL_MS } from '../util/throttle.js';
import { checkpointFile, mergeOffsets, readCheckpoint, writeCheckpoint } from './checkpoint.js';
import { DeviceDayView } from './deviceDayView.js';
import { RuleEngine } from './ruleEngine.js';
import type { RuleSet } from './ruleSet.js';

/** Counters of a stream-processor run. */
export interface StreamStats {
  read: number;
  anomalies: number;
  confirmed: number;
  deadLettered: number;
  /** Valid readings for a date older than the real-time view's window (LAMBDA_IOT_REALTIME_DAYS): left to the batch. */
  lateForRealtime: number;
  /** Device-day rows published to iot-device-health-rt (a row is published again each batch it changes in). */
  realtimeRows: number;
  /** Input messages not yet committed by the group (at the last report). */
  lag: number | null;
  byType: Record<string, number>;
  bySeverity: Partial<Record<Severity, number>>;
  /** Whether the run started from a checkpoint. */
  resumedFromCheckpoint: boolean;
  /** Time spent consuming, from joining the group to the end (ms). */
  elapsedMs: number;
}

export interface StreamProcessorOptions {
  log: Log;
  config: Config;
  rules: RuleSet;
  /** Stop after this many ms without input. Default: run until the signal aborts. */
  idleMs?: number;
  /** Stop once the input's end offsets seen at start are processed (a batch run over what is there). */
  untilEnd?: boolean;
  /** Stop after the current batch (SIGINT/SIGTERM). */
  signal?: AbortSignal;
  /** Called with the counters every `reportEveryMs` and at the end. */
  onStats?: (stats: StreamStats, final: boolean) => void;
  /** Default 5000. */
  reportEveryMs?: number;
  /** Readings per batch (one publish and one state update each). Default 2000. */
  batchSize?: number;
  /** Called with a warning that does not stop the run. */
  onWarning?: (message: string) => void;
}

/**
 * Whether checkpointed offsets can belong to this log (none lies beyond a partition's end). A topic the log
 * does not have has no partitions; any other error reading the ends propagates (a transient failure must not
 * discard a good checkpoint).
 */
async function fitsLog(
  log: Log,
  topic: string,
  offsets: { topic: string; partition: number; offset: number }[],
) {
  const partitions = await log.partitionOffsets(topic).catch((error: unknown) => {
    if (error instanceof UnknownTopicError) return [];
    throw error;
  });
  const ends = new Map(partitions.map((p) => [p.partition, p.endOffset]));
  return offsets.every((o) => o.topic === topic && o.offset <= (ends.get(o.partition) ?? 0));
}

/** The checkpoint to resume from, unless it cannot belong to this log (then a warning says so). */
async function resumableCheckpoint(
  log: Log,
  input: string,
  file: string,
  onWarning: ((message: string) => void) | undefined,
) {
  const saved = readCheckpoint(file);
  if (saved && !(await fitsLog(log, input, saved.offsets))) {
    onWarning?.(
      `speed checkpoint ${file} is ahead of the log (was the log reset?); starting from committed offsets`,
    );
    return undefined;
  }
  return saved;
}

/**
 * The device-day rows the batch changed, to publish, each stamped with the last input record that changed it;
 * a row that breaks its contract goes to `rejected` with that record.
 */
function changedRows(
  view: DeviceDayView,
  changedBy: Map<string, LogRecord>,
  rejected: { record: LogRecord; reason: string }[],
): ProduceRecord[] {
  const rows: ProduceRecord[] = [];
  for (const row of view.takeChanges()) {
    const record = changedBy.get(JSON.stringify([row.device_id, row.date]))!;
    const checked = DeviceDayHealth.safeParse(row);
    if (!checked.success) {
      rejected.push({ record, reason: `device-day row invalid: ${describeIssues(checked.error.issues)}` });
      continue;
    }
    rows.push({ key: row.device_id, value: JSON.stringify(checked.data), timestamp: record.timestamp });
  }
  return rows;
}

function emptyStats(resumedFromCheckpoint: boolean): StreamStats {
  return {
    read: 0,
    anomalies: 0,
    confirmed: 0,
    deadLettered: 0,
    lateForRealtime: 0,
    realtimeRows: 0,
    lag: null,
    byType: {},
    bySeverity: {},
    resumedFromCheckpoint,
    elapsedMs: 0,
  };
}

/**
 * The speed layer: consumes iot-telemetry as group lambda_streaming_anomalies, validates every message
 * (invalid ones go to iot-dlq with the reason), evaluates the rules with per-device state, publishes the
 * anomalies to iot-anomalies keyed by device_id, keeps the real-time device-day view (DeviceDayView) and
 * publishes the rows each batch changed to iot-device-health-rt keyed by device_id, checkpoints state and
 * view with the offsets they reflect, and only then commits the input offsets. After a crash it resumes
 * from the checkpoint, so it behaves as if it had not stopped: what was published since the last checkpoint
 * (at most one commit interval of batches; the first batch is checkpointed at once) is published again with
 * the same identities (deduped downstream), and the newest row per (device_id, date) is the one an
 * uninterrupted run publishes.
 * @example const stats = await runStreamProcessor({ log, config, rules: referenceRules(), idleMs: 2000 });
 */
export async function runStreamProcessor(options: StreamProcessorOptions): Promise<StreamStats> {
  const { log, config, rules } = options;
  const group = qualifiedName(config, GROUPS.speedLayer);
  const input = topicName(config, 'telemetry');
  const output = topicName(config, 'anomalies');
  const realtimeTopic = topicName(config, 'deviceHealthRt');
  const deadLetterTopic = topicName(config, 'deadLetter');
  await log.ensureTopic(output);
  await log.ensureTopic(realtimeTopic);
  await log.ensureTopic(deadLetterTopic);

  // keyed by the log's identity: a moved data directory keeps its checkpoint, a reset log starts afresh
  const file = checkpointFile(config, group, describeLogIdentity(await log.identity()));
  const saved = await resumableCheckpoint(log, input, file, options.onWarning);
  const engine = new RuleEngine(rules, saved?.state);
  const view = new DeviceDayView(
    { days: config.realtimeDays, vibrationThreshold: config.vibrationThreshold },
    saved?.view,
  );
  let offsets = saved?.offsets ?? [];
  const consumer = await log.consumer({ group, topics: [input], fromBeginning: true });
  for (const o of offsets) consumer.seek(o);

  const stats = emptyStats(saved !== undefined);
  const reportDue = intervalGate(options.reportEveryMs ?? PROGRESS_INTERVAL_MS);
  const report = async (final: boolean) => {
    stats.lag = (await readGroupLag(log, group, input).catch(() => null))?.lag ?? stats.lag;
    options.onStats?.({ ...stats, byType: { ...stats.byType }, bySeverity: { ...stats.bySeverity } }, final);
  };

  const handle = async (batch: LogRecord[]) => {
    const published: ProduceRecord[] = [];
    const rejected: { record: LogRecord; reason: string }[] = [];
    /** The last input record that changed each device-day row in this batch. */
    const changedBy = new Map<string, LogRecord>();
    const now = Date.now();
    for (const record of batch) {
      stats.read += 1;
      const v = validateMessage(Telemetry, record.value, {
        maxBytes: config.maxMessageBytes,
        now,
        eventTimeMin: config.eventTimeMin,
      });
      if (!v.ok) {
        rejected.push({ record, reason: v.reason });
        continue;
      }
      const update = view.add(v.value, v.eventMs);
      if ('late' in update) stats.lateForRealtime += 1;
      else changedBy.set(JSON.stringify([v.value.device_id, update.date]), record);
      for (const anomaly of engine.evaluate(v.value)) {
        const checked = Anomaly.safeParse(anomaly);
        if (!checked.success) {
          rejected.push({ record, reason: `anomaly invalid: ${describeIssues(checked.error.issues)}` });
          continue;
        }
        published.push({
          key: anomaly.device_id,
          value: JSON.stringify(anomaly),
          timestamp: record.timestamp,
        });
        stats.anomalies += 1;
        if (anomaly.is_confirmed) stats.confirmed += 1;
        stats.byType[anomaly.anomaly_type] = (stats.byType[anomaly.anomaly_type] ?? 0) + 1;
        stats.bySeverity[anomaly.severity] = (stats.bySeverity[anomaly.severity] ?? 0) + 1;
      }
    }
    const rows = changedRows(view, changedBy, rejected);
    if (published.length > 0) await log.produce(output, published);
    if (rows.length > 0) await log.produce(realtimeTopic, rows);
    stats.realtimeRows += rows.length;
    await writeDeadLetters(log, deadLetterTopic, rejected, group);
    stats.deadLettered += rejected.length;
    crashPoint('stream:after-publish');
    if (reportDue()) {
      await report(false);
    }
  };

  const stopAt = options.untilEnd
    ? (await log.partitionOffsets(input)).map((p) => ({
        topic: input,
        partition: p.partition,
        offset: p.endOffset,
      }))
    : undefined;
  // State and the offsets it reflects become durable together, before the offsets are committed.
  const checkpoint = (handled: { topic: string; partition: number; offset: number }[]) => {
    offsets = mergeOffsets(offsets, handled);
    writeCheckpoint(file, {
      group,
      rules: `${rules.name}@${rules.version}`,
      offsets,
      state: engine.snapshot(),
      view: view.snapshot(),
      written_at: new Date().toISOString(),
    });
  };
  const started = Date.now();
  try {
    await runConsumeLoop({
      consumer,
      handle,
      beforeCommit: checkpoint,
      commitIntervalMs: config.speedCommitIntervalMs,
      name: 'stream',
      stopAt,
      idleMs: options.idleMs,
      signal: options.signal,
      batchSize: options.batchSize ?? 2000,
    });
    stats.elapsedMs = Date.now() - started;
  } finally {
    await consumer.close();
  }
  await report(true);
  return stats;
}
