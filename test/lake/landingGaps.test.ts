import fs from 'node:fs';
import path from 'node:path';
import { parquetMetadataAsync } from 'hyparquet';
import { describe, expect, it } from 'vitest';
import { openEmbeddedLog } from '../../src/bus/embedded/embeddedLog.js';
import { embeddedLogFile } from '../../src/bus/openLog.js';
import { topicName } from '../../src/config/names.js';
import { openDuckSession, sqlString } from '../../src/duckdb/duckSession.js';
import { storeAsyncBuffer } from '../../src/lake/lakeSummary.js';
import { landedFileProblem } from '../../src/lake/landedFileCheck.js';
import { gapsIn, landedGaps, lostKey, parseLostKey, readLostRanges } from '../../src/lake/landingGaps.js';
import { type LandedFile, runLandingSink } from '../../src/lake/landingSink.js';
import { parseRawFileKey, rawFileKey } from '../../src/lake/rawLayout.js';
import { encodeRawParquet } from '../../src/lake/rawParquet.js';
import { RAW_TELEMETRY, type RawDataset } from '../../src/lake/rawSchema.js';
import {
  closeLakesAfterEach,
  embeddedLake,
  type Lake,
  produceReadings,
  rawRows,
  reading,
  T0,
} from './landingFixtures.js';

closeLakesAfterEach();

const readings = (from: number, n: number) =>
  Array.from({ length: n }, (_, i) => reading('press-1', T0 + (from + i) * 60_000));

/** Rows of raw telemetry, and distinct (partition, offset) pairs among them. */
const counts = (lake: Lake) =>
  rawRows(
    lake,
    'SELECT count(*) AS rows, count(DISTINCT (source_partition, source_offset)) AS distinct FROM raw_telemetry',
  );

async function keysUnder(lake: Lake, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  for await (const o of lake.store.list(prefix)) keys.push(o.key);
  return keys.sort();
}

describe('offset ranges', () => {
  it('finds the gaps between ranges, and the gaps of landed files less the recorded losses', () => {
    expect(
      gapsIn(
        [
          { first: 5, last: 9 },
          { first: 0, last: 2 },
          { first: 15, last: 20 },
        ],
        0,
        24,
      ),
    ).toEqual([
      { first: 3, last: 4 },
      { first: 10, last: 14 },
      { first: 21, last: 24 },
    ]);
    const file = (first: number, last: number, log?: string) => ({
      topic: 'iot-telemetry',
      partition: 1,
      firstOffset: first,
      lastOffset: last,
      ...(log === undefined ? {} : { log }),
    });
    const lost = { topic: 'iot-telemetry', partition: 1, firstOffset: 10, lastOffset: 12 };
    expect(landedGaps([file(0, 9), file(20, 29), file(5, 7, '2')], [lost])).toEqual([
      { topic: 'iot-telemetry', partition: 1, first: 13, last: 19 },
      { topic: 'iot-telemetry', partition: 1, log: '2', first: 0, last: 4 },
    ]);
    expect(parseLostKey(lostKey({ ...lost, log: '2' }))).toEqual({ ...lost, log: '2' });
    expect(lostKey(lost)).toBe('raw/_lost/iot-telemetry-1-10-12.json');
  });
});

describe('no gaps the lake cannot see', () => {
  it('names a file for every offset it handled: dead letters alone land as a file without rows, counted in its metadata', async () => {
    const lake = await embeddedLake({ LAMBDA_IOT_PARTITIONS: '1' });
    const topic = topicName(lake.config, 'telemetry');
    await produceReadings(lake, readings(0, 2));
    await lake.log.produce(topic, [
      { key: 'press-1', value: 'not json', timestamp: T0 },
      { key: 'press-1', value: '{}', timestamp: T0 },
    ]);
    const files: LandedFile[] = [];
    const stats = await runLandingSink({ ...lake, untilEnd: true, onFile: (f) => files.push(f) });
    expect(stats.deadLettered).toBe(2);
    expect(files.map((f) => [f.firstOffset, f.lastOffset, f.rows, f.deadLettered])).toEqual([[0, 3, 2, 2]]);
    // Dead letters alone, after the file: a file without rows, in the partition's date folder.
    await lake.log.produce(topic, [{ key: 'press-1', value: 'junk', timestamp: Date.UTC(1999, 0, 1) }]);
    const more: LandedFile[] = [];
    await runLandingSink({ ...lake, untilEnd: true, onFile: (f) => more.push(f) });
    expect(more.map((f) => [f.key, f.rows, f.deadLettered])).toEqual([
      ['raw/telemetry/date=2025-04-01/iot-telemetry-0-4-4.parquet', 0, 1],
    ]);
    const info = { key: more[0]!.key, size: more[0]!.bytes, lastModified: new Date() };
    const metadata = await parquetMetadataAsync(storeAsyncBuffer(lake.store, info));
    expect(
      Object.fromEntries((metadata.key_value_metadata ?? []).map((kv) => [kv.key, kv.value])),
    ).toMatchObject({
      lambda_iot_first_offset: '4',
      lambda_iot_last_offset: '4',
      lambda_iot_dead_lettered: '1',
    });
    expect(
      landedGaps(
        (await keysUnder(lake, 'raw/telemetry/')).map((k) => parseRawFileKey(k)!),
        [],
      ),
    ).toEqual([]);
    expect(await counts(lake)).toEqual([{ rows: 2, distinct: 2 }]);
  });

  it('rejects a junk file named like a landed file: moved aside, reported, and its offsets landed', async () => {
    const lake = await embeddedLake({ LAMBDA_IOT_PARTITIONS: '1' });
    await produceReadings(lake, readings(0, 10));
    await runLandingSink({ ...lake, untilEnd: true });
    // Junk from another client, named as if offsets 10–2010 were landed.
    const junk = 'raw/telemetry/date=2025-04-01/iot-telemetry-0-10-2010.parquet';
    await lake.store.put(junk, Buffer.from('not parquet at all'));
    await produceReadings(lake, readings(10, 20));

    const warnings: string[] = [];
    const stats = await runLandingSink({ ...lake, untilEnd: true, onWarning: (w) => warnings.push(w) });
    expect(stats.telemetry.rows).toBe(20);
    expect(stats.rejectedFiles).toEqual([
      {
        key: junk,
        reason: expect.stringMatching(/^not a readable Parquet file/),
        movedTo: expect.stringMatching(
          /^raw\/_rejected\/[^/]+\/telemetry\/date=2025-04-01\/iot-telemetry-0-10-2010\.parquet$/,
        ),
      },
    ]);
    expect(warnings).toContainEqual(
      expect.stringMatching(
        /^raw file rejected: raw\/telemetry\/.*-0-10-2010\.parquet not a readable Parquet file .*moved to raw\/_rejected\/.*offsets 10–2010 are landed again$/,
      ),
    );
    expect(await keysUnder(lake, 'raw/telemetry/')).not.toContain(junk);
    expect((await keysUnder(lake, 'raw/_rejected/')).length).toBe(1);
    expect(await counts(lake)).toEqual([{ rows: 30, distinct: 30 }]);

    // A Parquet file with the raw schema whose rows are not the offsets its name says is rejected too.
    const [first] = await keysUnder(lake, 'raw/telemetry/');
    const name = parseRawFileKey(first!)!;
    const liar = rawFileKey({ ...name, firstOffset: 30, lastOffset: 39 });
    await lake.store.put(liar, await lake.store.get(first!));
    const again = await runLandingSink({ ...lake, untilEnd: true });
    expect(again.rejectedFiles.map((r) => [r.key, r.reason])).toEqual([
      [liar, `holds source offsets ${name.firstOffset}–${name.lastOffset}, outside 30–39`],
    ]);
    expect(await counts(lake)).toEqual([{ rows: 30, distinct: 30 }]);
  });

  it('--ignore-committed lands again a file deleted from the middle; what the log no longer holds is recorded as lost', async () => {
    const lake = await embeddedLake({ LAMBDA_IOT_PARTITIONS: '1', LAMBDA_IOT_LAND_FILE_ROWS: '10' });
    await produceReadings(lake, readings(0, 30));
    await runLandingSink({ ...lake, untilEnd: true });
    const middle = 'raw/telemetry/date=2025-04-01/iot-telemetry-0-10-19.parquet';
    expect(await keysUnder(lake, 'raw/telemetry/')).toContain(middle);

    await lake.store.delete(middle);
    // The committed offsets are at the end: a plain land sees nothing to do…
    expect((await runLandingSink({ ...lake, untilEnd: true })).telemetry.rows).toBe(0);
    // …--ignore-committed lands the gap again, and only the gap.
    const refilled = await runLandingSink({ ...lake, untilEnd: true, ignoreCommitted: true });
    expect(refilled.telemetry).toMatchObject({ files: 1, rows: 10 });
    expect(refilled.resumedFrom[0]).toMatchObject({ offset: 10, refill: [{ first: 10, last: 19 }] });
    expect(await keysUnder(lake, 'raw/telemetry/')).toContain(middle);
    expect(await counts(lake)).toEqual([{ rows: 30, distinct: 30 }]);

    // Retention removes every message from the log; the middle file is deleted again.
    await lake.store.delete(middle);
    const aged = openEmbeddedLog({
      file: embeddedLogFile(lake.config),
      retentionMs: 1,
      clock: () => Date.now() + 60_000,
    });
    aged.maintain();
    await aged.close();
    const warnings: string[] = [];
    const lost = await runLandingSink({
      ...lake,
      untilEnd: true,
      ignoreCommitted: true,
      onWarning: (w) => warnings.push(w),
    });
    expect(lost.lost).toEqual([{ topic: 'iot-telemetry', partition: 0, firstOffset: 10, lastOffset: 19 }]);
    expect(warnings).toContainEqual(
      'iot-telemetry partition 0: offsets 10–19 are in no landed file and left the log (oldest offset now 30); ' +
        'recorded in raw/_lost/iot-telemetry-0-10-19.json',
    );
    expect(await readLostRanges(lake.store)).toEqual(lost.lost);
    const landed = (await keysUnder(lake, 'raw/telemetry/')).map((k) => parseRawFileKey(k)!);
    expect(landedGaps(landed, [])).toMatchObject([{ first: 10, last: 19 }]);
    expect(landedGaps(landed, lost.lost)).toEqual([]);
    // Recorded once: the next run finds no gap to record.
    expect((await runLandingSink({ ...lake, untilEnd: true, ignoreCommitted: true })).lost).toEqual([]);
  });

  it('checks a footer: the raw columns, rows plus recorded dead letters against the name; files without the count pass when they fit', async () => {
    const lake = await embeddedLake({ LAMBDA_IOT_PARTITIONS: '1' });
    const duck = await openDuckSession();
    const tmp = path.join(lake.config.dataDir, 'tmp');
    const columns = (offsets: number[]) =>
      RAW_TELEMETRY.columns.map((c) =>
        offsets.map((offset) => c.cell({ value: reading('d-1', T0) as never, ms: T0, partition: 0, offset })),
      );
    const put = async (first: number, last: number, bytes: Uint8Array) => {
      const name = { kind: 'telemetry' as const, date: '2025-04-01', topic: 'iot-telemetry', partition: 0 };
      const key = rawFileKey({ ...name, firstOffset: first, lastOffset: last });
      await lake.store.put(key, bytes);
      return {
        ...name,
        key,
        size: bytes.byteLength,
        lastModified: new Date(),
        firstOffset: first,
        lastOffset: last,
      };
    };
    const dataset = RAW_TELEMETRY as RawDataset<unknown>;
    try {
      const fits = await encodeRawParquet(duck, dataset as never, columns([0, 2]), tmp, {
        lambda_iot_dead_lettered: '1',
      });
      expect(await landedFileProblem(lake.store, await put(0, 2, fits), dataset)).toBeUndefined();
      expect(await landedFileProblem(lake.store, await put(0, 3, fits), dataset)).toBe(
        'holds 2 rows and 1 dead letters, not the 4 offsets its name covers',
      );
      // Written before files recorded their dead letters: trusted when the rows fit in the name.
      const legacy = await encodeRawParquet(duck, dataset as never, columns([5, 9]), tmp);
      expect(await landedFileProblem(lake.store, await put(5, 9, legacy), dataset)).toBeUndefined();
      expect(await landedFileProblem(lake.store, await put(5, 5, legacy), dataset)).toBe(
        'holds 2 rows, more than the 1 offsets its name covers',
      );
      const file = path.join(tmp, 'other.parquet');
      fs.mkdirSync(tmp, { recursive: true });
      await duck.run(`COPY (SELECT 1 AS device_id, 2 AS other) TO ${sqlString(file)} (FORMAT PARQUET)`);
      expect(await landedFileProblem(lake.store, await put(0, 0, fs.readFileSync(file)), dataset)).toMatch(
        /^lacks the raw telemetry column\(s\) timestamp, energy_usage, .*source_offset$/,
      );
    } finally {
      duck.close();
    }
  });
});
