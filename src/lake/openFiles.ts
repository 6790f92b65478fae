import type { LogRecord } from '../bus/port.js';
import { DAY_MS, utcDate } from '../time/utcTime.js';
import { partitionKey } from './landedOffsets.js';
import type { RawColumns } from './rawParquet.js';
import type { RawDataset } from './rawSchema.js';

/** The rows of one file being filled: one topic partition, one event date, contiguous offsets. */
export interface OpenFile {
  dataset: RawDataset<unknown>;
  topic: string;
  partition: number;
  date: string;
  /** The rows so far, column by column (see RawColumn.cell). */
  columns: RawColumns;
  rows: number;
  /** Messages of the range that went to iot-dlq (the file's name covers them too). */
  deadLettered: number;
  firstOffset: number;
  lastOffset: number;
  /**
   * Set while a file of dead letters alone has no date of its own (its partition has no file yet): the
   * next row gives it that row's date; cut before that, it takes this date.
   */
  undated?: string;
  /** Wall-clock ms when its first row arrived (live mode writes it after config.landFlushSeconds). */
  openedAt: number;
}

const NONE: readonly never[] = [];

/**
 * The landing sink's open files: at most one per topic partition. A row of another event date, `maxRows`
 * rows, an age (live mode) or the end of the input cut a file; a cut file leaves the buffer and must be
 * written before the next row of its partition is added. A file covers every offset it handled: its rows
 * and the messages that went to the dead letters (a range of dead letters alone is a file without rows),
 * so the files of a partition leave no gap; a message that does not follow the open file's last offset
 * (a range skipped, a hole in the log) starts a new file.
 * @example const files = new OpenFileBuffer(200_000); for (const f of files.add(RAW_TELEMETRY, record, value, ms)) await write(f);
 */
export class OpenFileBuffer {
  private readonly open = new Map<string, OpenFile>();
  /** Epoch day → YYYY-MM-DD, so a date string is built once per day, not once per row. */
  private readonly dates = new Map<number, string>();
  private lastTopic = '';
  private lastPartition = -1;
  private lastKey = '';
  /** The date of each partition's newest file, for a file of dead letters alone. */
  private readonly lastDate = new Map<string, string>();

  constructor(private readonly maxRows: number) {}

  /**
   * Takes one valid row (event time `ms`) into its partition's open file. Returns the files that must be
   * written before the next message, in order: the previous one on a date change, and this one when full.
   */
  add(dataset: RawDataset<unknown>, record: LogRecord, value: unknown, ms: number): readonly OpenFile[] {
    const key = this.keyOf(record);
    const date = this.dateOf(ms);
    let file = this.open.get(key);
    let finished: OpenFile | undefined;
    if (file?.undated !== undefined && record.offset === file.lastOffset + 1) {
      file.date = date;
      file.undated = undefined;
      this.lastDate.set(key, date);
    }
    if (file !== undefined && (file.date !== date || record.offset !== file.lastOffset + 1)) {
      finished = file;
      this.open.delete(key);
      file = undefined;
    }
    file ??= this.start(key, dataset, record, date);
    const row = { value, ms, partition: record.partition, offset: record.offset };
    const columns = dataset.columns;
    for (let i = 0; i < columns.length; i++) file.columns[i]!.push(columns[i]!.cell(row));
    file.rows++;
    file.lastOffset = record.offset;
    const full = file.rows >= this.maxRows;
    if (full) this.open.delete(key);
    if (finished === undefined) return full ? [file] : NONE;
    return full ? [finished, file] : [finished];
  }

  /**
   * Takes a message that went to the dead letters into its partition's open file (or a new file without
   * rows, dated like the partition's newest file; in a partition without one, by the next row, else
   * `date`). Returns the file to write first when the message does not follow the open file.
   */
  addDeadLetter(dataset: RawDataset<unknown>, record: LogRecord, date: string): readonly OpenFile[] {
    const key = this.keyOf(record);
    let file = this.open.get(key);
    let finished: OpenFile | undefined;
    if (file !== undefined && record.offset !== file.lastOffset + 1) {
      finished = file;
      this.open.delete(key);
      file = undefined;
    }
    if (file === undefined) {
      const known = this.lastDate.get(key);
      file = this.start(key, dataset, record, known ?? date);
      if (known === undefined) {
        file.undated = date;
        this.lastDate.delete(key);
      }
    }
    file.deadLettered++;
    file.lastOffset = record.offset;
    return finished === undefined ? NONE : [finished];
  }

  /** Tells the buffer the date of a partition's newest landed file (before landing resumes). */
  knowDate(topic: string, partition: number, date: string): void {
    this.lastDate.set(partitionKey(topic, partition), date);
  }

  private start(key: string, dataset: RawDataset<unknown>, record: LogRecord, date: string): OpenFile {
    const file: OpenFile = {
      dataset,
      topic: record.topic,
      partition: record.partition,
      date,
      columns: dataset.columns.map(() => []),
      rows: 0,
      deadLettered: 0,
      firstOffset: record.offset,
      lastOffset: record.offset,
      openedAt: Date.now(),
    };
    this.open.set(key, file);
    this.lastDate.set(key, date);
    return file;
  }

  /** The first offset of a partition's open file: nothing from there on is in the lake yet. */
  firstOpenOffset(topic: string, partition: number): number | undefined {
    return this.open.get(partitionKey(topic, partition))?.firstOffset;
  }

  /** Takes the files whose first row arrived at least `ageMs` before `now`. */
  takeAged(now: number, ageMs: number): OpenFile[] {
    return this.take((file) => now - file.openedAt >= ageMs);
  }

  /** Takes every open file (the end of the input). */
  takeAll(): OpenFile[] {
    return this.take(() => true);
  }

  private take(cut: (file: OpenFile) => boolean): OpenFile[] {
    const taken: OpenFile[] = [];
    for (const [key, file] of this.open) {
      if (!cut(file)) continue;
      this.open.delete(key);
      taken.push(file);
    }
    return taken;
  }

  /** The partition key of a record (cached: records of one partition come in runs). */
  private keyOf(record: LogRecord): string {
    if (record.topic !== this.lastTopic || record.partition !== this.lastPartition) {
      this.lastTopic = record.topic;
      this.lastPartition = record.partition;
      this.lastKey = partitionKey(record.topic, record.partition);
    }
    return this.lastKey;
  }

  private dateOf(ms: number): string {
    const day = Math.floor(ms / DAY_MS);
    let date = this.dates.get(day);
    if (date === undefined) {
      date = utcDate(ms);
      this.dates.set(day, date);
    }
    return date;
  }
}
