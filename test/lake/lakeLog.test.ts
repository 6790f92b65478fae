import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { openEmbeddedLog } from '../../src/bus/embedded/embeddedLog.js';
import { LakeLogMismatchError } from '../../src/errors.js';
import { LAKE_LOGS_KEY, readLakeLogs } from '../../src/lake/lakeLog.js';
import { runLandingSink } from '../../src/lake/landingSink.js';
import { parseRawFileKey } from '../../src/lake/rawLayout.js';
import {
  closeLakesAfterEach,
  embeddedLake,
  produceReadings,
  rawRows,
  reading,
  T0,
} from './landingFixtures.js';

closeLakesAfterEach();

const readings = (n: number, device = 'press-1') =>
  Array.from({ length: n }, (_, i) => reading(device, T0 + i * 60_000));

describe('the lake belongs to one log', () => {
  it('records the log it lands and resumes into it; a new lake with files of no record adopts a log whose offsets fit', async () => {
    const lake = await embeddedLake();
    await produceReadings(lake, readings(10));
    const first = await runLandingSink({ ...lake, untilEnd: true });
    const identity = await lake.log.identity();
    expect(identity).toEqual({ kind: 'embedded', id: expect.stringMatching(/^[0-9a-f]{16}$/) });
    expect(first.log).toEqual(identity);
    expect((await readLakeLogs(lake.store))?.logs).toEqual([{ log: identity, since: expect.any(String) }]);

    // A lake landed before logs were recorded: the log is adopted, with a warning, since its offsets fit.
    await lake.store.delete(LAKE_LOGS_KEY);
    await produceReadings(lake, readings(5, 'press-2'));
    const warnings: string[] = [];
    const second = await runLandingSink({ ...lake, untilEnd: true, onWarning: (w) => warnings.push(w) });
    expect(second.telemetry.rows).toBe(5);
    expect(warnings.join('\n')).toContain('the lake recorded no log yet');
    expect((await readLakeLogs(lake.store))?.logs.map((l) => l.log)).toEqual([identity]);
  });

  it('refuses a log with the same identity that no longer reaches the lake (a topic created again); --new-log lands it under log=2', async () => {
    const lake = await embeddedLake();
    await produceReadings(lake, readings(10));
    await runLandingSink({ ...lake, untilEnd: true });
    const identity = await lake.log.identity();

    // Another log database that says it is the same log: as a Kafka topic deleted and created again.
    const file = path.join(lake.config.dataDir, 'log', 'again.sqlite');
    const again = openEmbeddedLog({ file, partitions: 2 });
    try {
      await again.identity();
      const db = new Database(file);
      db.prepare("update log_meta set value = ? where key = 'log_id'").run(identity.id);
      db.close();
      expect(await again.identity()).toEqual(identity);
      await produceReadings({ ...lake, log: again }, readings(3, 'lathe-3'));

      const refused = runLandingSink({ ...lake, log: again, untilEnd: true });
      await expect(refused).rejects.toThrow(LakeLogMismatchError);
      await expect(refused).rejects.toThrow(
        /lake log mismatch: the lake holds embedded log [0-9a-f]{16}, but iot-telemetry partition \d holds offsets up to \d+ but the log ends at \d+: the topic was deleted and created again.*--new-log/,
      );

      const files: string[] = [];
      const landed = await runLandingSink({
        ...lake,
        log: again,
        untilEnd: true,
        newLog: true,
        onFile: (f) => files.push(f.key),
      });
      expect(landed.telemetry.rows).toBe(3);
      expect(landed.log).toEqual({ ...identity, folder: '2' });
      expect(files.every((key) => parseRawFileKey(key)?.log === '2')).toBe(true);
      expect(files[0]).toMatch(/^raw\/telemetry\/date=2025-04-01\/log=2\/iot-telemetry-\d-0-\d\.parquet$/);
      // The batch's raw views read both logs.
      expect(await rawRows(lake, 'SELECT count(*) AS rows FROM raw_telemetry')).toEqual([{ rows: 13 }]);
      // The same log again resumes under log=2 and lands nothing twice.
      const repeat = await runLandingSink({ ...lake, log: again, untilEnd: true });
      expect(repeat).toMatchObject({ read: 0, log: { folder: '2' } });
    } finally {
      await again.close();
    }
  });

  it('refuses a lake landed from another log, naming both; --new-log is ignored for the lake’s own log', async () => {
    const lake = await embeddedLake();
    await produceReadings(lake, readings(4));
    await runLandingSink({ ...lake, untilEnd: true });
    const other = openEmbeddedLog({ file: path.join(lake.config.dataDir, 'log', 'other.sqlite') });
    try {
      const otherId = (await other.identity()).id;
      const ownId = (await lake.log.identity()).id;
      await expect(runLandingSink({ ...lake, log: other, untilEnd: true })).rejects.toThrow(
        new RegExp(
          `lake log mismatch: the lake was landed from embedded log ${ownId} \\(recorded in landing/logs.json\\), but this log is embedded log ${otherId}\\. Land into a fresh lake .*'lambda-iot land --new-log'.*log=2/`,
        ),
      );
    } finally {
      await other.close();
    }
    const warnings: string[] = [];
    const again = await runLandingSink({
      ...lake,
      untilEnd: true,
      newLog: true,
      onWarning: (w) => warnings.push(w),
    });
    expect(again.log?.folder).toBeUndefined();
    expect(warnings).toContainEqual(expect.stringMatching(/^--new-log ignored: the lake already holds/));
  });
});
