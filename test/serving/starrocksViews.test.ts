import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.js';
import { openStack, type Stack } from '../../src/pipeline/stack.js';
import { EmbeddedServing } from '../../src/serving/embeddedServing.js';
import {
  materializedViewSelect,
  readSqlFiles,
  starrocksSelectForDuckDb,
} from '../../src/serving/starrocksSql.js';
import { tempDataDir } from '../support/cli.js';

/**
 * The proof that both engines serve the same merge: the SELECTs of sql/starrocks' anomaly_rollup and
 * unified_device_health, run on DuckDB over the serving golden fixture (the lake catalog's Gold mapped to the
 * serving copy, backquotes to double quotes — nothing else translated), give exactly the embedded views' rows.
 */
const fixture = JSON.parse(fs.readFileSync(path.join(__dirname, 'fixtures', 'golden.json'), 'utf8'));
const files = readSqlFiles(path.join(__dirname, '..', '..', 'sql', 'starrocks'));
const fileOf = (prefix: string) => files.find((f) => f.name.startsWith(prefix))!;

let stack: Stack;
let serving: EmbeddedServing;
beforeAll(async () => {
  stack = openStack(loadConfig({ LAMBDA_IOT_DATA_DIR: tempDataDir('starrocks-views') }));
  serving = await EmbeddedServing.open(stack);
  await serving.loadGold(fixture.gold, fixture.watermark, fixture.predictions);
  await serving.write({ anomalies: fixture.anomalies, realtime: fixture.realtime });
  await serving.write({ reviews: fixture.reviews.slice(0, 5) });
  await serving.write({ reviews: fixture.reviews.slice(5) });
  await serving.refresh();
});
afterAll(async () => {
  await serving.close();
  await stack.close();
});

const starrocksRows = async (text: string) =>
  (await serving.query(`select * from (${starrocksSelectForDuckDb(text)}) v order by all`)).rows;

describe.each([
  ['anomaly_rollup', '50_'],
  ['unified_device_health', '51_'],
])('StarRocks %s on DuckDB', (view, prefix) => {
  it('gives the embedded view rows over the golden fixture (and the hand-computed ones)', async () => {
    const embedded = (await serving.query(`select * from ${view} order by all`)).rows;
    expect(embedded).toEqual(fixture.expected[view]);
    expect(await starrocksRows(materializedViewSelect(fileOf(prefix)))).toEqual(embedded);
  });
});

describe('planted defects in the StarRocks view SELECTs', () => {
  it('a changed criticality weight gives different rows', async () => {
    const text = materializedViewSelect(fileOf('51_'));
    const planted = text.replace('(1 - m.health_score) * 0.6', '(1 - m.health_score) * 0.5');
    expect(planted).not.toBe(text);
    const rows = await starrocksRows(planted);
    expect(rows).not.toEqual(fixture.expected.unified_device_health);
    const changed = rows.filter(
      (r, i) => r.criticality_score !== fixture.expected.unified_device_health[i].criticality_score,
    );
    expect(changed.length).toBeGreaterThan(0);
  });

  it("date_diff in DuckDB's argument order without abs() gives negative maintenance ages there", async () => {
    const text = materializedViewSelect(fileOf('51_'));
    const planted = text.replace(
      "abs(date_diff('day', b.`date`, r.`date`))",
      "date_diff('day', r.`date`, b.`date`)",
    );
    expect(planted).not.toBe(text);
    expect(await starrocksRows(planted)).not.toEqual(fixture.expected.unified_device_health);
  });

  it('the high-severity count of the rollup counting only high gives different rows', async () => {
    const text = materializedViewSelect(fileOf('50_'));
    const planted = text.replace("severity in ('high', 'critical')", "severity in ('high')");
    expect(await starrocksRows(planted)).not.toEqual(fixture.expected.anomaly_rollup);
  });
});
