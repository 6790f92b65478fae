import path from 'node:path';
import { writeDeadLetters } from '../bus/deadLetters.js';
import type { Consumer, Log, LogRecord, TopicPartitionOffset } from '../bus/port.js';
import type { Config } from '../config/config.js';
import { GROUPS, qualifiedName, topicName } from '../config/names.js';
import { type DuckSession, openDuckSession } from '../duckdb/duckSession.js';
import { validateMessage } from '../schema/validate.js';
import type { ObjectStore } from '../store/objectStore.js';
import { crashPoint } from '../testing/crash.js';
import { DAY_MS, utcDate } from '../time/utcTime.js';
import { partitionKey, readLandedOffsets } from './landedOffsets.js';
import { type RawKind, rawFileKey } from './rawLayout.js';
import { encodeRawParquet, type RawColumns } from './rawParquet.js';
import { RAW_EVENTS, RAW_TELEMETRY, type RawDataset } from './rawSchema.js';

/** One file the sink wrote. */
export interface LandedFile {
  key: string;
  kind: RawKind;
  topic: string;
  partition: number;
  date: string;
  firstOffset: number;
  lastOffset: number;
  rows: number;
  bytes: number;
}

/** Files, rows and bytes landed for one dataset. */
export interface LandedTotals {
  files: number;
  rows: number;
  bytes: number;
}

/** Where a partition's landing started, and why there. */
export interface LandingResume {
  topic: string;
  partition: number;
  /** Next offset after the lake's newest file of this partition (undefined: nothing landed yet). */
  lake?: number;
  /** The group's committed offset (or the oldest retained offset when nothing was committed). */
  committed: number;
  /** Where landing started: the further of the two (see runLandingSink). */
  offset: number;
}

export interface LandingStats {
  /** Messages read from the log in this run. */
  read: number;
  /** Invalid messages written to iot-dlq. */
  deadLettered: number;
  telemetry: LandedTotals;
  events: LandedTotals;
  resumedFrom: LandingResume[];
  /** Keys under raw/ that do not follow the landing pattern (read by the batch layer, ignored by the resume). */
  foreignFiles: number;
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
  /** Messages per poll. Default 5000. */
  batchSize?: number;
  /** Each written file, as soon as it is durable. */
  onFile?: (file: LandedFile) => void;
  /** Counters every `reportEveryMs` and at the end. */
  onStats?: (stats: LandingStats, final: boolean) => void;
  /** Default 5000. */
  reportEveryMs?: number;
  onWarning?: (message: string) => void;
}

interface OpenFile {
  dataset: RawDataset<unknown>;
  topic: string;
  partition: number;
  date: string;
  /** The rows so far, column by column (see RawColumn.cell). */
  columns: RawColumns;
  rows: number;
  firstOffset: number;
  lastOffset: number;
  /** Wall-clock ms when its first row arrived (live mode writes it after config.landFlushSeconds). */
  openedAt: number;
}

/** Offsets are committed at most this often (and when the sink stops). */
const COMMIT_INTERVAL_MS = 1_000;

const NONE: readonly never[] = [];

const emptyTotals = (): LandedTotals => ({ files: 0, rows: 0, bytes: 0 });

/**
 * The landing sink: consumes iot-telemetry and iot-events as group lambda_batch_ingestion and writes
 * typed Parquet to `raw/{telemetry|events}/date=YYYY-MM-DD/{topic}-{partition}-{first}-{last}.parquet`.
 *
 * Each partition has at most one open file; a row of another event date, `config.landFileRows` rows, the
 * end of the input and (live mode only: neither `untilEnd` nor `idleMs`) `config.landFlushSeconds` cut it.
 * Offsets are committed only up to what is durable in the lake (the first offset of an open file), after
 * the dead letters before them were acknowledged. On start the lake's file names say how far each partition
 * was landed; landing resumes after the further of that and the committed offset (committed can be ahead
 * when the last messages were invalid; the lake is ahead after a crash between writing and committing), so
 * a crash neither loses nor duplicates rows. With `ignoreCommitted` only the lake counts.
 * @example const stats = await runLandingSink({ log, store, config, untilEnd: true });
 */
export async function runLandingSink(options: LandingOptions): Promise<LandingStats> {
  const started = Date.now();
  const { log, store, config } = options;
  const warn = options.onWarning ?? (() => {});
  const telemetryTopic = topicName(config, 'telemetry');
  const eventsTopic = topicName(config, 'events');
  const deadLetterTopic = topicName(config, 'deadLetter');
  const group = qualifiedName(config, GROUPS.landing);
  const topics = [telemetryTopic, eventsTopic];
  for (const topic of [...topics, deadLetterTopic]) await log.ensureTopic(topic);
  const live = !options.untilEnd && options.idleMs === undefined;
  const tmpDir = path.join(config.dataDir, 'tmp');

  const landed = await readLandedOffsets(store, topics);
  if (landed.foreign.length > 0) {
    const shown = landed.foreign.slice(0, 3).join(', ');
    warn(
      `${landed.foreign.length} file(s) under raw/ do not follow the landing pattern and are ignored when resuming ` +
        `(the batch layer still reads them): ${shown}${landed.foreign.length > 3 ? ', …' : ''}`,
    );
  }

  const stats: LandingStats = {
    read: 0,
    deadLettered: 0,
    telemetry: emptyTotals(),
    events: emptyTotals(),
    resumedFrom: [],
    foreignFiles: landed.foreign.length,
    stoppedBy: null,
    elapsedMs: 0,
  };

  const consumer = await log.consumer({ group, topics, fromBeginning: true });
  let duck: DuckSession | undefined;
  let writing: Promise<void> = Promise.resolve();
  try {
    const ends = await positionConsumer(consumer, log, topics, landed.next, options, stats, warn);
    const stopAt = new Map(ends.map((e) => [partitionKey(e.topic, e.partition), e.offset]));
    duck = await openDuckSession();
    const session = duck;

    const open = new Map<string, OpenFile>();
    /** Next offset to read per partition (what has been consumed). */
    const consumed = new Map(consumer.positions().map((p) => [partitionKey(p.topic, p.partition), p]));
    const committed = new Map(
      stats.resumedFrom.map((r) => [partitionKey(r.topic, r.partition), r.committed]),
    );
    let rejected: { record: LogRecord; reason: string }[] = [];

    // One file is encoded and stored in the background while the next batches are read (DuckDB and the
    // store work off the main thread); commits wait for it, so offsets never pass a file that is not durable.
    const writeLetters = async (letters: { record: LogRecord; reason: string }[]) => {
      if (letters.length === 0) return;
      await writeDeadLetters(log, deadLetterTopic, letters, group);
      stats.deadLettered += letters.length;
    };
    const store1 = async (file: OpenFile, letters: { record: LogRecord; reason: string }[]) => {
      // Dead letters of offsets before this file's last row go first: once the file exists the resume skips them.
      await writeLetters(letters);
      const bytes = await encodeRawParquet(session, file.dataset, file.columns, tmpDir);
      const first = file.firstOffset;
      const last = file.lastOffset;
      const landedFile: LandedFile = {
        key: rawFileKey({
          kind: file.dataset.kind,
          date: file.date,
          topic: file.topic,
          partition: file.partition,
          firstOffset: first,
          lastOffset: last,
        }),
        kind: file.dataset.kind,
        topic: file.topic,
        partition: file.partition,
        date: file.date,
        firstOffset: first,
        lastOffset: last,
        rows: file.rows,
        bytes: bytes.byteLength,
      };
      await store.put(landedFile.key, bytes, { contentType: 'application/vnd.apache.parquet' });
      crashPoint('land:after-put');
      const totals = stats[file.dataset.kind];
      totals.files++;
      totals.rows += landedFile.rows;
      totals.bytes += landedFile.bytes;
      options.onFile?.(landedFile);
    };
    /** Starts writing a file (removed from the open files) once the previous write is done. */
    const writeFile = async (file: OpenFile) => {
      const key = partitionKey(file.topic, file.partition);
      if (open.get(key) === file) open.delete(key);
      if (file.rows === 0) return;
      await writing;
      const letters = rejected;
      rejected = [];
      writing = store1(file, letters);
      // Surface a failure at the next await of `writing`, not as an unhandled rejection.
      writing.catch(() => {});
    };
    let lastCommit = Date.now();
    const commit = async () => {
      await writing;
      const letters = rejected;
      rejected = [];
      await writeLetters(letters);
      const offsets: TopicPartitionOffset[] = [];
      for (const [key, position] of consumed) {
        const safe = open.get(key)?.firstOffset ?? position.offset;
        if (safe !== committed.get(key)) offsets.push({ ...position, offset: safe });
      }
      lastCommit = Date.now();
      if (offsets.length === 0) return;
      await consumer.commit(offsets);
      for (const o of offsets) committed.set(partitionKey(o.topic, o.partition), o.offset);
    };
    const dates = new Map<number, string>();
    let lastTopic = '';
    let lastPartition = -1;
    let key = '';
    let position: TopicPartitionOffset | undefined;
    /**
     * Takes one message into its partition's open file (or the dead letters). Returns the files that must be
     * written before the next message, in order: the previous one on a date change, and this one when full.
     */
    const add = (record: LogRecord): readonly OpenFile[] => {
      if (record.topic !== lastTopic || record.partition !== lastPartition) {
        lastTopic = record.topic;
        lastPartition = record.partition;
        key = partitionKey(record.topic, record.partition);
        position = consumed.get(key);
        if (position === undefined) {
          position = { topic: record.topic, partition: record.partition, offset: 0 };
          consumed.set(key, position);
        }
      }
      position!.offset = record.offset + 1;
      const dataset = (record.topic === telemetryTopic ? RAW_TELEMETRY : RAW_EVENTS) as RawDataset<unknown>;
      const v = validateMessage(dataset.contract, record.value, { maxBytes: config.maxMessageBytes });
      if (!v.ok) {
        rejected.push({ record, reason: v.reason });
        return NONE;
      }
      const ms = v.eventMs ?? Date.parse((v.value as Record<string, string>)[dataset.timeField]!);
      const day = Math.floor(ms / DAY_MS);
      let date = dates.get(day);
      if (date === undefined) {
        date = utcDate(ms);
        dates.set(day, date);
      }
      let file = open.get(key);
      let finished: OpenFile | undefined;
      if (file !== undefined && file.date !== date) {
        finished = file;
        file = undefined;
      }
      if (file === undefined) {
        file = {
          dataset,
          topic: record.topic,
          partition: record.partition,
          date,
          columns: dataset.columns.map(() => []),
          rows: 0,
          firstOffset: record.offset,
          lastOffset: record.offset,
          openedAt: Date.now(),
        };
        open.set(key, file);
      }
      const row = { value: v.value, ms, partition: record.partition, offset: record.offset };
      const columns = dataset.columns;
      for (let i = 0; i < columns.length; i++) file.columns[i]!.push(columns[i]!.cell(row));
      file.rows++;
      file.lastOffset = record.offset;
      const full = file.rows >= config.landFileRows;
      if (full) open.delete(key);
      if (finished === undefined) return full ? [file] : NONE;
      return full ? [finished, file] : [finished];
    };
    const writeAged = async () => {
      const now = Date.now();
      for (const file of [...open.values()]) {
        if (now - file.openedAt >= config.landFlushSeconds * 1000) await writeFile(file);
      }
    };
    const reachedEnd = () =>
      options.untilEnd === true && [...stopAt].every(([key, end]) => (consumed.get(key)?.offset ?? 0) >= end);

    const reportEveryMs = options.reportEveryMs ?? 5_000;
    let lastReport = Date.now();
    let idleSince = Date.now();
    for (;;) {
      if (options.signal?.aborted) {
        stats.stoppedBy = 'signal';
        break;
      }
      if (reachedEnd()) {
        stats.stoppedBy = 'end';
        break;
      }
      const wait = options.idleMs === undefined ? 500 : Math.max(1, Math.min(500, options.idleMs));
      let batch = await consumer.poll({ maxRecords: options.batchSize ?? 5000, maxWaitMs: wait });
      if (options.untilEnd) {
        batch = batch.filter((r) => r.offset < (stopAt.get(partitionKey(r.topic, r.partition)) ?? 0));
      }
      if (batch.length > 0) {
        idleSince = Date.now();
        for (const record of batch) {
          for (const file of add(record)) await writeFile(file);
        }
        stats.read += batch.length;
      }
      if (live) await writeAged();
      if (Date.now() - lastCommit >= COMMIT_INTERVAL_MS) await commit();
      if (Date.now() - lastReport >= reportEveryMs) {
        lastReport = Date.now();
        stats.elapsedMs = Date.now() - started;
        options.onStats?.(structuredClone(stats), false);
      }
      if (batch.length === 0 && options.idleMs !== undefined && Date.now() - idleSince >= options.idleMs) {
        stats.stoppedBy = 'idle';
        break;
      }
    }
    for (const file of [...open.values()]) await writeFile(file);
    await commit();
  } catch (error) {
    await writing.catch(() => {});
    throw error;
  } finally {
    duck?.close();
    await consumer.close();
  }
  stats.elapsedMs = Date.now() - started;
  options.onStats?.(structuredClone(stats), true);
  return stats;
}

/**
 * Moves each partition to where landing resumes and returns the end offsets seen now. The lake's newest
 * file and the committed offset are compared; see runLandingSink.
 */
async function positionConsumer(
  consumer: Consumer,
  log: Log,
  topics: string[],
  lakeNext: Map<string, number>,
  options: LandingOptions,
  stats: LandingStats,
  warn: (message: string) => void,
): Promise<TopicPartitionOffset[]> {
  const ends: TopicPartitionOffset[] = [];
  const partitions = new Map<string, { start: number; end: number }>();
  for (const topic of topics) {
    for (const p of await log.partitionOffsets(topic)) {
      partitions.set(partitionKey(topic, p.partition), { start: p.startOffset, end: p.endOffset });
      ends.push({ topic, partition: p.partition, offset: p.endOffset });
    }
  }
  for (const position of consumer.positions()) {
    const key = partitionKey(position.topic, position.partition);
    const bounds = partitions.get(key) ?? { start: 0, end: position.offset };
    let lake = lakeNext.get(key);
    if (lake !== undefined && lake > bounds.end) {
      warn(
        `the lake holds ${position.topic} partition ${position.partition} up to offset ${lake - 1}, beyond the log's end ` +
          `(${bounds.end}): was the log reset? Landing from the committed offset; files with the same name are replaced.`,
      );
      lake = undefined;
    }
    const committed = position.offset;
    if (lake !== undefined && lake < bounds.start) {
      warn(
        `${position.topic} partition ${position.partition}: offsets ${lake}–${bounds.start - 1} left the log (retention) ` +
          'before they were landed; landing continues from the oldest retained offset.',
      );
    }
    let offset = options.ignoreCommitted ? (lake ?? bounds.start) : Math.max(lake ?? 0, committed);
    offset = Math.max(offset, bounds.start);
    if (offset !== committed) consumer.seek({ ...position, offset });
    stats.resumedFrom.push({ topic: position.topic, partition: position.partition, lake, committed, offset });
  }
  return ends;
}
