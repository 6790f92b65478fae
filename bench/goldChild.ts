/**
 * One side of the Gold benchmark in its own process (so peak RSS is that side's alone).
 * argv: kit|script, the bench data directory. Prints one JSON line: seconds, peak RSS, rows per table.
 */
import fs from 'node:fs';
import path from 'node:path';
import { runBatch } from '../src/batch/runBatch.js';
import { EmbeddedCatalog } from '../src/catalog/embeddedCatalog.js';
import { loadConfig } from '../src/config/config.js';
import { openDuckSession, sqlString } from '../src/duckdb/duckSession.js';
import { listRawFiles } from '../src/lake/lakeReader.js';
import { openObjectStore } from '../src/store/openObjectStore.js';

const [side, dataDir] = process.argv.slice(2) as ['kit' | 'script', string];
const config = loadConfig({ LAMBDA_IOT_DATA_DIR: dataDir });
const store = await openObjectStore(config);
const started = performance.now();
let rows: Record<string, number> = {};
if (side === 'kit') {
  const file = path.join(dataDir, 'catalog', `bench-${process.pid}.sqlite`);
  const catalog = new EmbeddedCatalog({ file, store });
  const result = await runBatch({ config, store, catalog, full: true });
  if (!result.published)
    throw new Error(`kit batch did not publish: ${JSON.stringify(result.audits.filter((a) => !a.passed))}`);
  rows = Object.fromEntries(result.tables.map((t) => [t.table.split('.')[1]!, t.rows]));
  await catalog.close();
} else {
  const local = (kind: 'telemetry' | 'events') =>
    listRawFiles(store, kind).then(
      (files) => `[${files.map((f) => sqlString(new URL(store.uri(f.key)).pathname)).join(', ')}]`,
    );
  const out = path.join(dataDir, 'script-out');
  fs.rmSync(out, { recursive: true, force: true });
  fs.mkdirSync(out, { recursive: true });
  const sql = fs
    .readFileSync(path.join(process.cwd(), 'bench', 'gold_script.sql'), 'utf8')
    .replaceAll('{raw_telemetry}', await local('telemetry'))
    .replaceAll('{raw_events}', await local('events'))
    .replaceAll('{out}', out);
  const duck = await openDuckSession();
  for (const statement of sql
    .split(/;\s*$/m)
    .map((s) => s.trim())
    .filter((s) => s.replace(/--[^\n]*/g, '').trim())) {
    await duck.run(statement);
  }
  for (const t of ['health', 'predictions', 'schedule']) {
    const [r] = await duck.rows<{ n: number }>(`SELECT count(*) AS n FROM ${t}`);
    rows[t] = r!.n;
  }
  duck.close();
}
const seconds = (performance.now() - started) / 1000;
await store.close();
process.stdout.write(
  `${JSON.stringify({ side, seconds, peakRssMb: process.resourceUsage().maxRSS / 1024, rows })}\n`,
);
