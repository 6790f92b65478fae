import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.js';
import {
  boundParams,
  newestEventTime,
  PANELS,
  parseFilters,
  readPanelSql,
  resolveRange,
  runPanel,
} from '../../src/dashboard/panels.js';
import { openStack, type Stack } from '../../src/pipeline/stack.js';
import { EmbeddedServing } from '../../src/serving/embeddedServing.js';
import { tempDataDir } from '../support/cli.js';

/**
 * Each panel's DuckDB and StarRocks SQL on the serving golden fixture (test/serving/fixtures/golden.json)
 * plus a few failure-prediction and maintenance rows: both return the same rows for the same bound values.
 * The StarRocks files are not run on StarRocks here; they stay in the subset both engines parse.
 */
const fixture = JSON.parse(
  fs.readFileSync(path.join(__dirname, '..', 'serving', 'fixtures', 'golden.json'), 'utf8'),
);

let stack: Stack;
let serving: EmbeddedServing;

beforeAll(async () => {
  stack = openStack(loadConfig({ LAMBDA_IOT_DATA_DIR: tempDataDir('panel-sql') }));
  serving = await EmbeddedServing.open(stack);
  await serving.loadGold(fixture.gold, fixture.watermark);
  await serving.write({ anomalies: fixture.anomalies, realtime: fixture.realtime, reviews: fixture.reviews });
  await serving.refresh();
  // The fixture has no predictions or schedule: a few rows, written the way attachGold copies them.
  const duck = (serving as unknown as { duck: { run(sql: string): Promise<unknown> } }).duck;
  await duck.run(`insert into gold_failure_predictions (device_id, prediction_date, failure_risk_score, recommended_action) values
    ('device_1', '2025-04-01', 0.2, 'monitor'), ('device_2', '2025-04-01', 0.7, 'inspect'),
    ('device_1', '2025-04-02', 0.9, 'repair now')`);
  await duck.run(`insert into gold_maintenance_schedule (device_id, date, priority, estimated_cost, failure_risk_score) values
    ('device_1', '2025-04-01', 'P2', 1000, 0.2), ('device_2', '2025-04-01', 'P0', 5000, 0.7),
    ('device_1', '2025-04-02', 'P1', 2500, 0.9)`);
});
afterAll(async () => {
  await serving?.close();
  await stack?.close();
});

const CASES: Record<string, string>[] = [
  { range: 'all' },
  { range: 'all', device: 'device_1' },
  { range: '24h' },
];
/** DuckDB-only spellings the StarRocks files must not use. */
const DUCKDB_ONLY = [
  /::/,
  /\bepoch\(/i,
  /\bstrftime\(/i,
  /\bcount_if\(/i,
  /\bdate_diff\(/i,
  /\bdatediff\(/i,
  /"/,
];

describe('panel SQL: DuckDB and StarRocks versions', () => {
  it('return the same rows on the golden fixture for the same bound values', async () => {
    const newest = await newestEventTime(serving);
    let nonEmpty = 0;
    for (const filters of CASES.map((c) => parseFilters(c))) {
      const range = resolveRange(filters, newest);
      for (const panel of PANELS) {
        if (panel.page === 'device' && filters.device === '') continue;
        const { newest: _n, ...values } = range;
        const run = async (dialect: 'duckdb' | 'starrocks') => {
          const sql = readPanelSql(panel.name, dialect);
          return (await serving.query(sql, boundParams(sql, { ...values, device: filters.device }))).rows;
        };
        const duck = await run('duckdb');
        expect(await run('starrocks'), `${panel.name} ${JSON.stringify(filters)}`).toEqual(duck);
        if (duck.length > 0) nonEmpty++;
      }
    }
    expect(nonEmpty).toBeGreaterThan(20);
  });

  it('keeps the StarRocks files free of DuckDB-only spellings', () => {
    for (const panel of PANELS) {
      const sql = readPanelSql(panel.name, 'starrocks').replace(/--[^\n]*/g, '');
      for (const pattern of DUCKDB_ONLY) expect(sql, `${panel.name}: ${pattern}`).not.toMatch(pattern);
    }
  });

  it('binds values only: a device id with SQL in it is rejected before any query', async () => {
    expect(() => parseFilters({ device: "x' or '1'='1" })).toThrow(/device/);
    expect(() => parseFilters({ range: '7d', sql: 'select 1' })).toThrow(/filter rejected/);
    expect(() => parseFilters({ range: 'custom', from: '2025-04-01' })).toThrow(/custom range/);
    await expect(runPanel(serving, 'no_such_panel', parseFilters({}))).rejects.toThrow(/known: freshness/);
  });

  it('ends relative ranges at the newest event time served, not the wall clock', async () => {
    const newest = await newestEventTime(serving);
    const range = resolveRange(parseFilters({ range: '24h' }), newest);
    expect(Date.parse(`${range.to_ts.replace(' ', 'T')}Z`) - Date.parse(newest!)).toBe(1_000);
    expect(
      Date.parse(`${range.to_ts.replace(' ', 'T')}Z`) - Date.parse(`${range.from_ts.replace(' ', 'T')}Z`),
    ).toBe(86_400_000);
  });
});
