import { writeDeadLetters } from '../bus/deadLetters.js';
import type { Log, LogRecord } from '../bus/port.js';
import type { DuckSession } from '../duckdb/duckSession.js';
import type { ObjectStore } from '../store/objectStore.js';
import { crashPoint } from '../testing/crash.js';
import type { OpenFile } from './openFiles.js';
import { type RawKind, rawFileKey } from './rawLayout.js';
import { encodeRawParquet } from './rawParquet.js';

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
  /** Messages of the range that went to iot-dlq. */
  deadLettered: number;
  bytes: number;
}

/** Key-value metadata keys of a landed file: what it handled (see verifyLandedFile). */
export const LANDED_METADATA = {
  topic: 'lambda_iot_topic',
  partition: 'lambda_iot_partition',
  firstOffset: 'lambda_iot_first_offset',
  lastOffset: 'lambda_iot_last_offset',
  deadLettered: 'lambda_iot_dead_lettered',
} as const;

function landedFileMetadata(file: OpenFile): Record<string, string> {
  return {
    [LANDED_METADATA.topic]: file.topic,
    [LANDED_METADATA.partition]: String(file.partition),
    [LANDED_METADATA.firstOffset]: String(file.firstOffset),
    [LANDED_METADATA.lastOffset]: String(file.lastOffset),
    [LANDED_METADATA.deadLettered]: String(file.deadLettered),
  };
}

/** A message that failed its contract, and why. */
export interface Rejected {
  record: LogRecord;
  reason: string;
}

export interface RawFileWriterOptions {
  duck: DuckSession;
  store: ObjectStore;
  /** Where DuckDB writes a file before it is stored. */
  tmpDir: string;
  log: Log;
  deadLetterTopic: string;
  /** The consumer named in the dead letters. */
  group: string;
  /** The lake's `log=` folder of the log landed (undefined: the lake's first log). */
  logFolder?: string;
  /** Each file, once it is durable in the store. */
  onFile: (file: LandedFile) => void;
  /** Dead letters, once the log acknowledged them. */
  onDeadLetters: (count: number) => void;
}

/**
 * The landing sink's file writer: encodes a cut file as Parquet (DuckDB) under its raw layout name and
 * stores it, in the background while the next batches are read (DuckDB and the store work off the main
 * thread); one write at a time, in order. Rejected messages are kept until the next file (or `settle`): the
 * dead letters of offsets before a file go to the log first, because once the file exists the resume
 * skips them.
 * @example const writer = new RawFileWriter({ duck, store, tmpDir, log, deadLetterTopic, group, onFile, onDeadLetters });
 * await writer.write(file); await writer.settle();
 */
export class RawFileWriter {
  private writing: Promise<void> = Promise.resolve();
  private rejected: Rejected[] = [];

  constructor(private readonly options: RawFileWriterOptions) {}

  /** Keeps a rejected message for the dead-letter topic. */
  reject(record: LogRecord, reason: string): void {
    this.rejected.push({ record, reason });
  }

  /** Starts writing a file once the previous write is done (resolves when it started, not when durable). */
  async write(file: OpenFile): Promise<void> {
    await this.writing;
    const letters = this.takeRejected();
    this.writing = this.store(file, letters);
    // Surface a failure at the next await of `writing`, not as an unhandled rejection.
    this.writing.catch(() => {});
  }

  /** Resolves once every file started is durable and every rejected message so far is dead-lettered. */
  async settle(): Promise<void> {
    await this.writing;
    await this.writeLetters(this.takeRejected());
  }

  /** Waits for a write in progress, ignoring its outcome (before closing after an error). */
  async abandon(): Promise<void> {
    await this.writing.catch(() => {});
  }

  private takeRejected(): Rejected[] {
    const letters = this.rejected;
    this.rejected = [];
    return letters;
  }

  private async writeLetters(letters: Rejected[]): Promise<void> {
    if (letters.length === 0) return;
    const { log, deadLetterTopic, group } = this.options;
    await writeDeadLetters(log, deadLetterTopic, letters, group);
    this.options.onDeadLetters(letters.length);
  }

  private async store(file: OpenFile, letters: Rejected[]): Promise<void> {
    await this.writeLetters(letters);
    const { duck, store, tmpDir } = this.options;
    const bytes = await encodeRawParquet(duck, file.dataset, file.columns, tmpDir, landedFileMetadata(file));
    const name = {
      kind: file.dataset.kind,
      topic: file.topic,
      partition: file.partition,
      date: file.date,
      firstOffset: file.firstOffset,
      lastOffset: file.lastOffset,
      ...(this.options.logFolder === undefined ? {} : { log: this.options.logFolder }),
    };
    const landed: LandedFile = {
      key: rawFileKey(name),
      ...name,
      rows: file.rows,
      deadLettered: file.deadLettered,
      bytes: bytes.byteLength,
    };
    await store.put(landed.key, bytes, { contentType: 'application/vnd.apache.parquet' });
    crashPoint('land:after-put');
    this.options.onFile(landed);
  }
}
