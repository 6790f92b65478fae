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
  firstOffset: number;
  lastOffset: number;
  /** Wall-clock ms when its first row arrived (live mode writes it after config.landFlushSeconds). */
  openedAt: number;
}

const NONE: readonly never[] = [];

/**
 * The landing sink's open files: at most one per topic partition. A row of another event date, `maxRows`
 * rows, an age (live mode) or the end of the input cut a file; a cut file leaves the buffer and must be
 * written before the next row of its partition is added. Offsets between a file's first and last row that
 * are not in it went to the dead letters.
 * @example const files = new OpenFileBuffer(200_000); for (const f of files.add(RAW_TELEMETRY, record, value, ms)) await write(f);
 */
export class OpenFileBuffer {
  private readonly open = new Map<string, OpenFile>();
  /** Epoch day → YYYY-MM-DD, so a date string is built once per day, not once per row. */
  private readonly dates = new Map<number, string>();
  private lastTopic = '';
  private lastPartition = -1;
  private lastKey = '';

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
      this.open.set(key, file);
    }
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
