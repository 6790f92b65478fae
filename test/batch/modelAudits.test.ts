import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { sqlDir } from '../../src/batch/models.js';
import { runBatch } from '../../src/batch/runBatch.js';
import { MAIN_BRANCH } from '../../src/catalog/port.js';
import { formatBatch } from '../../src/cli/commands/batch.js';
import { type GoldenLake, goldenCases, landGoldenCase } from './goldenCases.js';

/**
 * The SQL tests beside each model are the batch run's publish audits: a test added to a model's
 * `.tests.sql` blocks the publish when it finds rows, and blocks it as an error when it cannot run.
 */

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

/** The three-devices case landed and published once; returns the lake and main's hash after that run. */
async function publishedLake(): Promise<{ lake: GoldenLake; mainHash: string }> {
  const lake = await landGoldenCase(goldenCases().find((c) => c.name === 'three-devices')!);
  cleanups.push(() => lake.close());
  const first = await runBatch({ config: lake.config, store: lake.store, catalog: lake.catalog });
  expect(first.published).toBe(true);
  return { lake, mainHash: first.mainHash };
}

/** A copy of the kit's sql/duckdb with `extra` appended to one model's tests. */
function sqlWithTest(model: string, extra: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lambda-iot-sql-'));
  cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
  fs.cpSync(sqlDir(), dir, { recursive: true });
  fs.appendFileSync(path.join(dir, `${model}.tests.sql`), `\n${extra}\n`);
  return dir;
}

const HOT = `-- test: no device runs hotter than 50 °C
SELECT device_id, date, max_temp FROM gold_device_health WHERE max_temp > 50;`;

describe('model SQL tests as publish audits', () => {
  it('a failing test blocks the publish and names its rows: main keeps its hash, the branch is kept', async () => {
    const { lake, mainHash } = await publishedLake();
    const sql = sqlWithTest('gold_device_health', HOT);
    const result = await runBatch({ ...lake, full: true, sqlDir: sql });
    expect(result.published).toBe(false);
    expect(result.mainHash).toBe(mainHash);
    expect((await lake.catalog.getBranch(MAIN_BRANCH)).hash).toBe(mainHash);
    expect((await lake.catalog.listBranches()).map((b) => b.name)).toContain(result.branch);
    const failed = result.audits.filter((a) => !a.passed);
    expect(failed).toEqual([
      {
        name: 'gold_device_health: no device runs hotter than 50 °C',
        passed: false,
        detail: '1 offending rows',
        offending: [{ device_id: 'B', date: '2025-04-03', max_temp: 60 }],
      },
    ]);
    // Every other model test ran as an audit too, and passed.
    expect(result.audits.filter((a) => a.name.startsWith('silver_events: ')).length).toBe(3);
    expect(formatBatch(result)).toMatch(
      /FAIL {2}gold_device_health: no device runs hotter than 50 °C: 1 offending rows/,
    );
  }, 60_000);

  it('a test that errors blocks the publish and is reported as an error, never as a pass', async () => {
    const { lake, mainHash } = await publishedLake();
    const sql = sqlWithTest(
      'gold_failure_predictions',
      '-- test: reads a column that does not exist\nSELECT device_id FROM gold_failure_predictions WHERE no_such_column > 0;',
    );
    const result = await runBatch({ ...lake, full: true, sqlDir: sql });
    expect(result.published).toBe(false);
    expect((await lake.catalog.getBranch(MAIN_BRANCH)).hash).toBe(mainHash);
    expect((await lake.catalog.listBranches()).map((b) => b.name)).toContain(result.branch);
    const errored = result.audits.filter((a) => a.error);
    expect(errored.map((a) => [a.name, a.passed])).toEqual([
      ['gold_failure_predictions: reads a column that does not exist', false],
    ]);
    expect(errored[0]!.detail).toMatch(/^error: .*no_such_column/);
    expect(result.audits.filter((a) => !a.passed)).toEqual(errored);
    expect(formatBatch(result)).toMatch(
      /ERROR {2}gold_failure_predictions: reads a column that does not exist: error: /,
    );
  }, 60_000);

  it('binds model names to the rebuilt days, or to the whole tables under `-- scope: table`', async () => {
    const { lake } = await publishedLake();
    // B's 60 °C day is 04-03: a run over 04-01..02 does not see it, the whole table on the branch does.
    const days = await runBatch({
      ...lake,
      from: '2025-04-01',
      to: '2025-04-02',
      sqlDir: sqlWithTest(
        'gold_device_health',
        `${HOT}

-- test: sees the rebuilt days only, silver and Gold
SELECT device_id, date FROM silver_telemetry_daily WHERE date NOT BETWEEN DATE '2025-04-01' AND DATE '2025-04-02'
UNION ALL SELECT device_id, event_date FROM silver_events WHERE event_date NOT BETWEEN DATE '2025-04-01' AND DATE '2025-04-02'
UNION ALL SELECT device_id, date FROM gold_device_health WHERE date NOT BETWEEN DATE '2025-04-01' AND DATE '2025-04-02'
UNION ALL SELECT device_id, prediction_date FROM gold_failure_predictions WHERE prediction_date NOT BETWEEN DATE '2025-04-01' AND DATE '2025-04-02';`,
      ),
    });
    expect(days.audits.filter((a) => !a.passed)).toEqual([]);
    expect(days.published).toBe(true);
    const table = await runBatch({
      ...lake,
      from: '2025-04-01',
      to: '2025-04-02',
      sqlDir: sqlWithTest('gold_device_health', HOT.replace('°C\n', '°C\n-- scope: table\n')),
    });
    expect(table.published).toBe(false);
    expect(table.audits.filter((a) => !a.passed).map((a) => [a.name, a.offending])).toEqual([
      [
        'gold_device_health: no device runs hotter than 50 °C',
        [{ device_id: 'B', date: '2025-04-03', max_temp: 60 }],
      ],
    ]);
  }, 60_000);
});
