import path from 'node:path';
import { type ConsumeLoopResult, runConsumeLoop } from '../bus/consumeLoop.js';
import type { Consumer, Log, LogRecord, TopicPartitionOffset } from '../bus/port.js';
import type { Config } from '../config/config.js';
import { GROUPS, qualifiedName, type TopicRole, topicName } from '../config/names.js';
import { type DuckSession, duckTempDirectory, openDuckSession } from '../duckdb/duckSession.js';
import { validateMessage } from '../schema/validate.js';
import type { ObjectStore } from '../store/objectStore.js';
import { DAY_MS, utcDate } from '../time/utcTime.js';
import { intervalGate, PROGRESS_INTERVAL_MS } from '../util/throttle.js';
import { bindLakeToLog } from './lakeLog.js';
import { type LandedObject, nextOffsets, partitionKey, readLandedOffsets } from './landedOffsets.js';
import { landingCommittable } from './landingCommitter.js';
import { type LostRange, readLostRanges } from './landingGaps.js';
import { planRefill, type RefillPlan, type RejectedFile, verifyLandedFiles } from './landingRefill.js';
import { foreignFilesWarning, type LandingResume, resumeLanding } from './landingResume.js';
import { OpenFileBuffer } from './openFiles.js';
import { type LandedFile, RawFileWriter } from './rawFileWriter.js';
import { RAW_KINDS, type RawKind } from './rawLayout.js';
import { RAW_DATASETS, type RawDataset } from './rawSchema.js';

export type { LandingResume } from './landingResume.js';
export type { LandedFile } from './rawFileWriter.js';

/** Files, rows and bytes landed for one dataset. */
export interface LandedTotals {
  files: number;
  rows: number;
  bytes: number;
}

export interface LandingStats {
  /** Messages read from the log in this run. */
  read: number;
  /** Invalid messages written to iot-dlq. */
  deadLettered: number;
  telemetry: LandedTotals;
  events: LandedTotals;
  anomalies: LandedTotals;
  reviews: LandedTotals;
  resumedFrom: LandingResume[];
  /** The log landed (its identity) and the lake's `log=` folder for it (absent for the lake's first log). */
  log?: { kind: string; id: string; folder?: string };
  /** Keys under raw/ that do not follow the landing pattern (read by the batch layer, ignored by the resume). */
  foreignFiles: number;
  /** Files named like landed files that failed their footer check, moved aside (their offsets landed again). */
  rejectedFiles: RejectedFile[];
  /** Ranges recorded as lost in this run (in no landed file, and no longer in the log). */
  lost: LostRange[];
  stoppedBy: 'end' | 'idle' | 'signal' | null;
  elapsedMs: number;
}

export interface LandingOptions {
  log: Log;
  store: ObjectStore;
  config: Config;
  /** Stop once the end offsets seen at start are landed (a batch run over what is in the log). */
  untilEnd?: boolean;
  /** Stop after this many ms without a message. */
  idleMs?: number;
  /** Finish: write every buffer, commit and return (SIGINT/SIGTERM). */
  signal?: AbortSignal;
  /** Start where the lake ends, ignoring the group's committed offsets (after raw files were deleted on purpose). */
  ignoreCommitted?: boolean;
  /**
   * Land a log the lake does not hold (a reset log, another cluster, a re-created topic) under its own
   * `log=` folder instead of refusing with LakeLogMismatchError.
   */
  newLog?: boolean;
  /** Messages per poll. Default 5000. */
  batchSize?: number;
  /** Each written file, as soon as it is durable. */
  onFile?: (file: LandedFile) => void;
  /** Counters every `reportEveryMs` and at the end. */
  onStats?: (stats: LandingStats, final: boolean) => void;
  /** Default PROGRESS_INTERVAL_MS (5000). */
  reportEveryMs?: number;
  onWarning?: (message: string) => void;
}

/** Offsets are committed at most this often (and when the sink stops). */
const COMMIT_INTERVAL_MS = 1_000;

/** The topic each raw dataset is landed from. */
const SOURCE_TOPIC: Record<RawKind, TopicRole> = {
  telemetry: 'telemetry',
  events: 'events',
  anomalies: 'anomalies',
  reviews: 'anomalyReviews',
};

const emptyTotals = (): LandedTotals => ({ files: 0, rows: 0, bytes: 0 });

/**
 * Rows landed in a run over every dataset.
 * @example say(`${landedRows(stats)} rows landed`);
 */
export function landedRows(stats: LandingStats): number {
  return RAW_KINDS.reduce((rows, kind) => rows + stats[kind].rows, 0);
}

/**
 * The landing sink: consumes iot-telemetry, iot-events, iot-anomalies and iot-anomaly-reviews as group
 * lambda_batch_ingestion and writes typed Parquet to
 * `raw/{telemetry|events|anomalies|reviews}/date=YYYY-MM-DD/{topic}-{partition}-{first}-{last}.parquet`, on the
 * shared consume loop with three parts: the open-file buffer (OpenFileBuffer), the file writer
 * (RawFileWriter) and the offset committer (landingCommittable).
 *
 * Each partition has at most one open file; a row of another event date, `config.landFileRows` rows, the
 * end of the input and (live mode only: neither `untilEnd` nor `idleMs`) `config.landFlushSeconds` cut it.
 * Offsets are committed only up to what is durable in the lake (the first offset of an open file), after
 * the dead letters before them were acknowledged. On start the lake's file names say how far each partition
 * was landed; landing resumes after the further of that and the committed offset (committed can be ahead
 * when the last messages were invalid; the lake is ahead after a crash between writing and committing), so
 * a crash neither loses nor duplicates rows. With `ignoreCommitted` only the lake counts. The lake must
 * hold this log (bindLakeToLog): a lake landed from another log is refused, or with `newLog` this log
 * lands under its own `log=` folder.
 * @example const stats = await runLandingSink({ log, store, config, untilEnd: true });
 */
export async function runLandingSink(options: LandingOptions): Promise<LandingStats> {
  const started = Date.now();
  const { log, store, config } = options;
  const warn = options.onWarning ?? (() => {});
  const datasets = new Map(
    RAW_KINDS.map((kind) => [
      topicName(config, SOURCE_TOPIC[kind]),
      RAW_DATASETS[kind] as RawDataset<unknown>,
    ]),
  );
  const topics = [...datasets.keys()];
  const deadLetterTopic = topicName(config, 'deadLetter');
  const group = qualifiedName(config, GROUPS.landing);
  for (const topic of [...topics, deadLetterTopic]) await log.ensureTopic(topic);

  const abandoned = (await store.removeAbandonedTemporaries?.()) ?? [];
  if (abandoned.length > 0) {
    warn(
      `removed ${abandoned.length} temporary file(s) left in the lake by killed processes: ${abandoned.join(', ')}`,
    );
  }
  const landed = await readLandedOffsets(store, topics);
  const foreign = foreignFilesWarning(landed.foreign);
  if (foreign !== undefined) warn(foreign);
  const stats: LandingStats = {
    read: 0,
    deadLettered: 0,
    telemetry: emptyTotals(),
    events: emptyTotals(),
    anomalies: emptyTotals(),
    reviews: emptyTotals(),
    resumedFrom: [],
    foreignFiles: landed.foreign.length,
    rejectedFiles: [],
    lost: [],
    stoppedBy: null,
    elapsedMs: 0,
  };

  const consumer = await log.consumer({ group, topics, fromBeginning: true });
  let duck: DuckSession | undefined;
  let writer: RawFileWriter | undefined;
  try {
    // Files are trusted only after their footer was read: junk named like a landed file is moved aside
    // before its name can say how far the lake reaches.
    const checked = await verifyLandedFiles({ store, files: landed.landed, datasets, warn });
    stats.rejectedFiles = checked.rejected.map(({ key, reason, movedTo }) => ({ key, reason, movedTo }));
    const binding = await bindLakeToLog({
      store,
      log,
      topics,
      landed: checked.trusted,
      newLog: options.newLog,
      warn,
    });
    stats.log = { ...binding.log, ...(binding.folder === undefined ? {} : { folder: binding.folder }) };
    const trusted = checked.trusted.filter((f) => f.log === binding.folder);
    const lakeNext = nextOffsets(trusted, binding.folder);
    const resume = { lakeNext, ignoreCommitted: options.ignoreCommitted, warn };
    const { resumed, ends } = await resumeLanding(consumer, log, topics, resume);
    const plan = await planRefill({
      consumer,
      log,
      store,
      resumed,
      trusted,
      rejected: checked.rejected.map((r) => r.file).filter((f) => f.log === binding.folder),
      lost: (await readLostRanges(store)).filter((l) => l.log === binding.folder && topics.includes(l.topic)),
      folder: binding.folder,
      everyGap: options.ignoreCommitted,
      warn,
    });
    stats.lost = plan.lost;
    stats.resumedFrom = resumed;
    duck = await openDuckSession({ tempDirectory: duckTempDirectory(config.dataDir) });
    writer = new RawFileWriter({
      duck,
      store,
      tmpDir: path.join(config.dataDir, 'tmp'),
      log,
      deadLetterTopic,
      group,
      logFolder: binding.folder,
      onFile: (file) => {
        const totals = stats[file.kind];
        totals.files++;
        totals.rows += file.rows;
        totals.bytes += file.bytes;
        options.onFile?.(file);
      },
      onDeadLetters: (count) => {
        stats.deadLettered += count;
      },
    });
    const stoppedBy = await landRecords({
      plan,
      newestDates: newestDates(trusted),
      consumer,
      writer,
      datasets,
      resumed,
      ends,
      stats,
      options,
      started,
    });
    // No maxRecords is given, so the loop never stops for 'max'.
    stats.stoppedBy = stoppedBy === 'max' ? 'end' : stoppedBy;
  } catch (error) {
    await writer?.abandon();
    throw error;
  } finally {
    duck?.close();
    await consumer.close();
  }
  stats.elapsedMs = Date.now() - started;
  options.onStats?.(structuredClone(stats), true);
  return stats;
}

/** The date of each partition's newest landed file, for files of dead letters alone. */
function newestDates(files: readonly LandedObject[]): Map<string, string> {
  const newest = new Map<string, LandedObject>();
  for (const f of files) {
    const key = partitionKey(f.topic, f.partition);
    if ((newest.get(key)?.lastOffset ?? -1) < f.lastOffset) newest.set(key, f);
  }
  return new Map([...newest].map(([key, f]) => [key, f.date]));
}

/**
 * The date folder of a file of dead letters alone in a partition with no file yet: the message's event
 * time when it is a plausible date (from LAMBDA_IOT_EVENT_TIME_MIN to a day from now), else today.
 */
function deadLetterDate(ms: number, eventTimeMin: string): string {
  const now = Date.now();
  const plausible = Number.isFinite(ms) && ms >= Date.parse(eventTimeMin) && ms <= now + DAY_MS;
  return utcDate(plausible ? ms : now);
}

interface LandingRun {
  /** Which records to land (ranges landed again, then the tail). */
  plan: RefillPlan;
  /** The date of each partition's newest trusted file (`${topic}\u0000${partition}`). */
  newestDates: Map<string, string>;
  consumer: Consumer;
  writer: RawFileWriter;
  /** The dataset of each landed topic. */
  datasets: Map<string, RawDataset<unknown>>;
  resumed: LandingResume[];
  /** The end offsets seen at start (where `untilEnd` stops). */
  ends: TopicPartitionOffset[];
  stats: LandingStats;
  options: LandingOptions;
  started: number;
}

/**
 * The sink's consume loop: validates each message into the open-file buffer or the dead letters, hands
 * cut files to the writer, writes aged files (live mode) and reports after each poll, writes what is open
 * when the loop stops, and commits through the landing committer.
 */
async function landRecords(run: LandingRun): Promise<ConsumeLoopResult['stoppedBy']> {
  const { writer, datasets, stats, options } = run;
  const { config } = options;
  const files = new OpenFileBuffer(config.landFileRows);
  const live = !options.untilEnd && options.idleMs === undefined;
  const reportDue = intervalGate(options.reportEveryMs ?? PROGRESS_INTERVAL_MS);

  for (const [key, date] of run.newestDates) {
    const [topic, partition] = key.split('\u0000');
    files.knowDate(topic!, Number(partition), date);
  }
  const handle = async (batch: LogRecord[]) => {
    for (const record of batch) {
      if (!run.plan.wanted(record.topic, record.partition, record.offset)) continue;
      const dataset = datasets.get(record.topic)!;
      const v = validateMessage(dataset.contract, record.value, {
        maxBytes: config.maxMessageBytes,
        eventTimeMin: config.eventTimeMin,
      });
      if (!v.ok) {
        writer.reject(record, v.reason);
        const date = deadLetterDate(record.timestamp, config.eventTimeMin);
        for (const file of files.addDeadLetter(dataset, record, date)) await writer.write(file);
        continue;
      }
      const ms = v.eventMs ?? Date.parse((v.value as Record<string, string>)[dataset.timeField]!);
      for (const file of files.add(dataset, record, v.value, ms)) await writer.write(file);
    }
    stats.read += batch.length;
  };
  const afterPoll = async () => {
    if (live) {
      for (const file of files.takeAged(Date.now(), config.landFlushSeconds * 1000)) await writer.write(file);
    }
    if (reportDue()) {
      stats.elapsedMs = Date.now() - run.started;
      options.onStats?.(structuredClone(stats), false);
    }
  };
  const at = (offset: (r: LandingResume) => number) =>
    run.resumed.map((r) => ({ topic: r.topic, partition: r.partition, offset: offset(r) }));
  const result = await runConsumeLoop({
    consumer: run.consumer,
    name: 'land',
    handle,
    afterPoll,
    beforeStop: async () => {
      for (const file of files.takeAll()) await writer.write(file);
    },
    committable: landingCommittable(
      writer,
      files,
      at((r) => r.offset),
    ),
    committed: at((r) => r.committed),
    commitIntervalMs: COMMIT_INTERVAL_MS,
    stopAt: options.untilEnd ? run.ends : undefined,
    idleMs: options.idleMs,
    signal: options.signal,
    batchSize: options.batchSize ?? 5000,
  });
  return result.stoppedBy;
}
