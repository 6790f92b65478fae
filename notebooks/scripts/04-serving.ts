// Generated from notebooks/04-serving.ipynb by `npm run notebooks:export`: edit the notebook, not this file.
// Run it from the project root with: npx tsx notebooks/scripts/04-serving.ts
// Charts are written as PNG files under the data directory (in Jupyter they show inline).

// # 04 · Serving: the batch view and the real-time view, merged
//
// A Lambda architecture answers queries from a **serving layer** that merges two views of the same facts: the
// **batch view** (Gold, built from the complete lake: accurate but late — a day is only there once a batch run
// has *closed* it) and the **real-time view** (the speed layer's running device-day aggregates: fresh, covering
// what the batch has not closed yet). The kit's `unified_device_health` has one row per device and day, with a
// `source` column saying which view served it: batch rows up to the **batch watermark** (the newest closed
// date of the served Gold), real-time rows after it.
//
// **What you will learn**
//
// - how the embedded serving layer ingests the topics, attaches Gold and refreshes its views;
// - how to query the unified view (bound parameters), and what The serving layer's freshness (`serving_freshness`, read by `status()`) says;
// - what happens to a date when a publish closes it;
// - the same serving layer on StarRocks: the SQL in `sql/starrocks/` and how to run it against a real stack.

// ## 1. A plant, through the whole pipeline
//
// `runPipeline` is what `npm start` runs: simulate into the log, the speed layer (anomalies and the real-time
// device-day view), landing, the batch run (write-audit-publish), then the serving step (attach Gold on main,
// ingest the topics, refresh the views). Re-running skips what is already done.

import {
  chartUnifiedCriticality,
  display,
  displayTable,
  openServing,
  openStack,
  readSqlFiles,
  runBatch,
  runPipeline,
  splitStatements,
  useNotebookDataDir,
} from '../../src/index.js';

const config = useNotebookDataDir('04-serving');
const stack = openStack(config);
const summary = await runPipeline(stack, { devices: 6, days: 4, seed: 4 });
displayTable(
  [
    {
      simulation: summary.simulation.action,
      telemetry: summary.simulation.telemetry,
      anomalies: summary.anomalies.anomalies,
    },
  ],
  { title: 'Pipeline' },
);

// ## 2. The serving layer and its merged view
//
// `openServing` opens the serving layer: the embedded DuckDB file (or, while a `lambda-iot serve` runs, that
// process's endpoint). `query` runs one read-only statement; values are bound as `$name` parameters, never
// pasted into the SQL.

const handle = await openServing(stack);
const serving = handle.serving;
await serving.attachGold();
await serving.refresh();
const bySource = await serving.query(
  'select source, count(*) as device_days, min(date) as first_date, max(date) as last_date from unified_device_health group by source order by source',
);
displayTable(bySource.rows, { title: `unified_device_health per source (${serving.describe()})` });
const top = await serving.query(
  'select device_id, date, source, health_score, pending_anomalies, urgent_anomalies, criticality_score, priority from unified_device_health where criticality_score >= $min order by criticality_score desc, device_id limit 10',
  { min: 0.2 },
);
displayTable(top.rows, { title: 'The most critical device-days (criticality_score ≥ 0.2)' });

// The chart shows every device-day of the merged view: the size of a mark is its criticality, its colour the
// source serving it. Where the colours change is the watermark.

const unified = await serving.query('select * from unified_device_health order by device_id, date');
await display(chartUnifiedCriticality(unified.rows), { name: 'unified-criticality' });

// ## 3. A publish closes a date: it switches from realtime to batch
//
// The watermark comes from the Gold snapshot the serving layer attached (the batch run records the newest
// closed date in its snapshot summary). After a publish that closes more dates, the next attach moves the
// watermark and the refresh serves those dates from Gold. Below: the watermark and rows per source, a batch
// run over everything the lake holds, then both again.

const before = await serving.query('select closed_through, gold_snapshot_id from serving_watermark');
const countsBefore = await serving.query(
  'select source, count(*) as n from unified_device_health group by source order by source',
);
const store = await stack.store();
const catalog = await stack.catalog();
const batch = await runBatch({ config: config, store: store, catalog: catalog, full: true });
const gold = await serving.attachGold();
await serving.refresh();
const after = await serving.query('select closed_through, gold_snapshot_id from serving_watermark');
const countsAfter = await serving.query(
  'select source, count(*) as n from unified_device_health group by source order by source',
);
displayTable(
  [
    { when: 'before', ...before.rows[0], per_source: JSON.stringify(countsBefore.rows) },
    {
      when: `after batch ${batch.runId} (published: ${batch.published})`,
      ...after.rows[0],
      per_source: JSON.stringify(countsAfter.rows),
    },
  ],
  { title: `Watermark and rows per source (Gold changed: ${gold.changed})` },
);

// ## 4. Freshness
//
// The serving layer's freshness (`serving_freshness`, read by `status()`) says, per source, the newest event time served, the Gold snapshot and watermark, and when
// the views were last refreshed (`lambda-iot serve status` prints the same).

const status = await serving.status();
displayTable(status.freshness, { title: 'serving_freshness' });
displayTable(status.refreshes, { title: 'View refreshes' });
await handle.close();

// ## 5. The same serving layer on StarRocks
//
// `sql/starrocks/` is the single source of the kit's StarRocks SQL, one file per concern, applied in name
// order: the database; Primary Key tables for anomalies, the real-time view, reviews and the watermark; a
// **routine load** per topic (StarRocks consumes Kafka itself, in UTC, with an error budget); the lake as an
// **Iceberg REST catalog** on Nessie and MinIO; the two views as **asynchronous materialized views**. The view
// SELECTs are the embedded ones, written in the SQL both engines run (a test runs them on DuckDB over a golden
// fixture and compares the rows). `${NAME}` placeholders are filled from settings when the kit applies them.

const files = readSqlFiles();
displayTable(
  files.map((f) => ({
    file: f.name,
    statements: splitStatements(f).length,
    what: (f.text.split('\n')[0] ?? '').replace(/^--\s*/, ''),
  })),
  { title: 'sql/starrocks' },
);
console.log(files.find((f) => f.name.startsWith('30_'))!.text);

// **Running it against a real stack** (StarRocks ≥ 3.2 with Kafka, MinIO and Nessie reachable from it; this
// was not run here — see the README, "Serving on StarRocks"):
//
// ```sh
// export LAMBDA_IOT_SERVING=starrocks
// export LAMBDA_IOT_STARROCKS_URL='mysql://root:<password>@<fe-host>:9030/iot'
// export LAMBDA_IOT_STARROCKS_KAFKA_BROKERS=kafka:9092          # as StarRocks reaches them
// export LAMBDA_IOT_STARROCKS_NESSIE_URI=http://nessie:19120
// export LAMBDA_IOT_STARROCKS_S3_ENDPOINT=http://minio:9000
// export AWS_ACCESS_KEY_ID=… AWS_SECRET_ACCESS_KEY=…
// npx lambda-iot serve            # applies sql/starrocks, records the watermark, refreshes, watches
// npx lambda-iot serve status     # routine loads and views; exit 1 when a load paused or a refresh failed
// npx lambda-iot sql "select * from unified_device_health where device_id = \$d" --param d=device_1
// ```

// ## Exercises
//
// Each exercise has a task, a hint and a check. Write your answer in the cell that says `undefined` and run it,
// then run the check below it: it prints `✓` when the answer is right, and `not yet: …` with what to look at
// otherwise (an unanswered exercise never stops a "Run All"). The solutions are in `notebooks/solutions/04-serving.ts`;
// the notebook's last cell (hidden) checks them on this notebook's data.

import {
  checkMostCriticalToday,
  checkRealtimeDates,
  showCheck,
  showSolutionChecks,
} from '../../src/index.js';

// ### Exercise 1 · Which dates are fresh?
//
// In the merged view as step 2 read it (`unified.rows`), which dates are served from the real-time view? Answer with
// a sorted array of dates, e.g. `['2025-04-06', '2025-04-07']`.
//
// *Hint:* each row's `source` says which view served it; the chart of step 2 colours them.

const realtimeDates: string[] | undefined = undefined; // your answer, e.g. ['2025-04-06']

showCheck(checkRealtimeDates(realtimeDates, { rows: unified.rows }));

// ### Exercise 2 · Who needs a technician today?
//
// In the same rows, which device has the highest `criticality_score` on the newest date? Answer with its id.
//
// *Hint:* first find the newest `date`, then compare the devices on that date only.

const mostCritical: string | undefined = undefined; // your answer, e.g. 'device_2'

showCheck(checkMostCriticalToday(mostCritical, { rows: unified.rows }));

// The shipped solutions (notebooks/solutions/04-serving.ts), checked on this notebook's data.
import * as solutions04 from '../../notebooks/solutions/04-serving.js';

showSolutionChecks([
  checkRealtimeDates(solutions04.realtimeDates(unified.rows), { rows: unified.rows }),
  checkMostCriticalToday(solutions04.mostCriticalToday(unified.rows), { rows: unified.rows }),
]);
