// Generated from notebooks/03-batch-gold-and-wap.ipynb by `npm run notebooks:export`: edit the notebook, not this file.
// Run it from the project root with: npx tsx notebooks/scripts/03-batch-gold-and-wap.ts
// Charts are written as PNG files under the data directory (in Jupyter they show inline).

// # 03 · Batch tables and Write-Audit-Publish
//
// The batch layer turns the raw Parquet files of the lake into **tables** that dashboards and people query.
// Those tables are [Iceberg](https://iceberg.apache.org/) tables: Parquet data files plus metadata (schemas,
// snapshots, manifests) that make every change a new **snapshot**, so a table can be read as it was at any
// earlier point. Tables live in a **catalog** with git-like **branches**, as with Nessie: a batch run writes
// on its own branch, checks what it wrote (**audits**), and only then **publishes** by merging the branch into
// `main`, all tables at once. A run that fails its audits never reaches readers of `main`. This pattern is
// called **Write-Audit-Publish** (WAP).
//
// **What you will learn**
//
// - how the lake's raw files become an Iceberg table, partitioned by day;
// - what a branch is, and why `main` does not see what a branch wrote until it is merged;
// - how an audit stops a bad run (we make one fail on purpose), and how a fixed run is published;
// - how to read a table as it was before (time travel), by commit.
//
// Everything runs on the embedded defaults: the catalog is a SQLite file in this notebook's data directory, the
// tables are files in its lake. Run the cells from top to bottom; the notebook can run again.

// ## 1. A small plant, landed in the lake
//
// As in notebooks 01 and 02: simulate a plant into the log and land it in the lake (both steps skip what is
// already done). Here 10 machines for two weeks: enough failures to judge a failure-risk score.

import {
  chartRiskHeatmap,
  chartRocCurve,
  display,
  displayTable,
  ensureTable,
  historySimulation,
  MAIN_BRANCH,
  newRunId,
  openLakeReader,
  openStack,
  readTable,
  runBatch,
  runLandingSink,
  showBatch,
  simulateToLog,
  summarizeTables,
  type TableDefinition,
  tableHistory,
  tabulateLanding,
  useNotebookDataDir,
  writeAuditPublish,
  writeToBranch,
} from '../../src/index.js';

const config = useNotebookDataDir('03-batch-gold-and-wap');
const stack = openStack(config);
const log = await stack.log();
const simulation = historySimulation({ devices: 10, days: 14, seed: 3 });
const run = await simulateToLog({
  log: log,
  config: config,
  simulation: simulation,
  logTarget: 'notebook-03',
});
const store = await stack.store();
const landing = await runLandingSink({ log: log, store: store, config: config, untilEnd: true });
displayTable(tabulateLanding(landing), { title: `Simulation ${run.action}; landed this run` });

// ## 2. A table definition
//
// A table has columns with types, a **partition spec** (here: by the day of `date`, so each day's rows are in
// their own files and a day can be replaced on its own) and a sort order. The kit assigns every column an
// Iceberg **field id**; data files carry the ids, so a column keeps its identity when columns are added later.
//
// The source of the rows is SQL over the lake's raw telemetry (the views `raw_telemetry` and `raw_events`).
// The query below has a deliberate bug: it reports temperatures in kelvin.

const daily: TableDefinition = {
  name: 'iot.daily_device_temperature',
  columns: [
    { name: 'device_id', type: 'string', required: true },
    { name: 'date', type: 'date', required: true },
    { name: 'readings', type: 'long' },
    { name: 'avg_temp', type: 'double', doc: '°C, 2 dp' },
    { name: 'max_temp', type: 'double', doc: '°C' },
    { name: 'run_id', type: 'string' },
  ],
  partitionByDay: 'date',
  sortBy: ['device_id'],
};
const dailySql = (unit: 'celsius' | 'kelvin', runId: string) => `
  SELECT device_id, CAST("timestamp" AS DATE) AS date, count(*) AS readings,
         round(avg(temperature) + ${unit === 'kelvin' ? 273.15 : 0}, 2) AS avg_temp,
         max(temperature) + ${unit === 'kelvin' ? 273.15 : 0} AS max_temp,
         '${runId}' AS run_id
  FROM raw_telemetry GROUP BY 1, 2`;
const lake = await openLakeReader(store, { dataDir: config.dataDir });
const catalog = await stack.catalog();
// The Iceberg writer runs its SQL in the lake reader's DuckDB session, where raw_telemetry is defined.
const ctx = { duck: lake.duck, store: store, tmpDir: `${config.dataDir}/tmp/notebook-03` };
console.log(`table on main: ${await ensureTable(catalog, store, MAIN_BRANCH, daily)}`);

// ## 3. Write on a branch: main does not see it
//
// A branch starts as a pointer to `main`'s latest commit. Writing a table on it creates a new snapshot and a
// new commit **on the branch only**: readers of `main` still see what they saw before.

const exploreId = newRunId();
const explore = await catalog.createBranch(`explore-${exploreId}`);
await writeToBranch(
  catalog,
  ctx,
  explore.name,
  daily.name,
  { sql: dailySql('celsius', exploreId) },
  { mode: 'overwrite-partitions' },
);
const onBranch = await readTable(catalog, ctx, explore.name, daily.name, { limit: 5 });
const onMain = await readTable(catalog, ctx, MAIN_BRANCH, daily.name, { limit: 5 });
displayTable(onBranch, { title: `On branch ${explore.name}` });
displayTable(onMain.length > 0 ? onMain : [{ note: 'no rows yet on main' }], {
  title: 'On main (unchanged)',
});
await catalog.deleteBranch(explore.name);

// ## 4. Write-Audit-Publish, failing on purpose
//
// `writeAuditPublish` creates a run branch, lets us write, runs the audits on the branch, and merges into `main`
// only if every audit passes. The audits here: every temperature within the contract range (−50 to 150 °C),
// and exactly one row per device and day. With the kelvin bug the first audit fails: `main` keeps its hash and
// the run branch is kept so we can look at what went wrong.

const audits = [
  {
    name: 'temperatures within the contract range (-50..150 °C)',
    run: async (branch: { hash: string }) => {
      const rows = await readTable(catalog, ctx, branch.hash, daily.name);
      const bad = rows.filter((r) => (r.max_temp as number) > 150 || (r.avg_temp as number) < -50);
      return {
        passed: bad.length === 0,
        detail: `${bad.length} of ${rows.length} rows out of range`,
        offending: bad.slice(0, 3),
      };
    },
  },
  {
    name: 'one row per device and day',
    run: async (branch: { hash: string }) => {
      const rows = await readTable(catalog, ctx, branch.hash, daily.name);
      const keys = new Set(rows.map((r) => `${r.device_id}|${r.date}`));
      return { passed: keys.size === rows.length, detail: `${rows.length} rows, ${keys.size} device-days` };
    },
  },
];
const writeDaily = (unit: 'celsius' | 'kelvin') => async (branch: { name: string }, runId: string) =>
  (
    await writeToBranch(
      catalog,
      ctx,
      branch.name,
      daily.name,
      { sql: dailySql(unit, runId) },
      { mode: 'overwrite-partitions', summary: { 'lambda-iot.run-id': runId } },
    )
  ).write.rows;
const mainBefore = await catalog.getBranch(MAIN_BRANCH);
const failed = await writeAuditPublish({ catalog: catalog, write: writeDaily('kelvin'), audits: audits });
displayTable(
  failed.audits.map((a) => ({ audit: a.name, passed: a.passed, detail: a.detail })),
  { title: `Run ${failed.runId}: published ${failed.published}` },
);
displayTable((failed.audits[0]?.offending ?? []) as object[], { title: 'Offending rows (kelvin!)' });
console.log(
  `main unchanged: ${mainBefore.hash === failed.targetHash}; branch kept for inspection: ${failed.branch}`,
);

// ## 5. Fix and publish
//
// With the query fixed, the same audits pass and the run is merged into `main` in one atomic commit. We then
// drop the failed run's branch; its commits stay readable by hash.

const published = await writeAuditPublish({ catalog: catalog, write: writeDaily('celsius'), audits: audits });
displayTable(
  published.audits.map((a) => ({ audit: a.name, passed: a.passed, detail: a.detail })),
  { title: `Run ${published.runId}: published ${published.published}` },
);
await catalog.deleteBranch(failed.branch);
displayTable(await summarizeTables(catalog, MAIN_BRANCH), { title: 'Tables on main' });
displayTable(await readTable(catalog, ctx, MAIN_BRANCH, daily.name, { limit: 8 }), { title: 'main now' });

// ## 6. Time travel
//
// Every publish is a commit on `main`, and every write a snapshot of the table. The commit log says what each
// commit changed; reading the table **at an older commit** shows it as it was then. Below: the table's snapshots,
// then `main` one publish ago next to `main` now (on the first run of this notebook, one publish ago the table
// was still empty).

const { metadata } = await catalog.loadTable(MAIN_BRANCH, daily.name);
displayTable(tableHistory(metadata).slice(0, 5), { title: `${daily.name}: snapshots, newest first` });
const mainLog = await catalog.log(MAIN_BRANCH, { limit: 4 });
displayTable(
  mainLog.map((c) => ({
    commit: c.hash.slice(0, 12),
    time: new Date(c.timeMs).toISOString(),
    message: c.message,
    tables: c.tables.join(', '),
  })),
  { title: 'main, newest first' },
);
const previous = mainLog[1]!;
const then = await readTable(catalog, ctx, previous.hash, daily.name);
const now = await readTable(catalog, ctx, MAIN_BRANCH, daily.name);
displayTable(
  [
    {
      read: `main@${previous.hash.slice(0, 12)} (${previous.message})`,
      rows: then.length,
      run_ids: [...new Set(then.map((r) => r.run_id))].join(', ') || '–',
    },
    { read: 'main (now)', rows: now.length, run_ids: [...new Set(now.map((r) => r.run_id))].join(', ') },
  ],
  { title: 'The same table at two commits' },
);

// ## 7. The Gold tables: silver → Gold on a branch, audited, published
//
// The batch layer does the same at full size: the SQL models in `sql/duckdb/` build `silver_telemetry_daily`
// (the readings streamed into one row per device and day: anomaly counts against the device's own baseline of
// the 7 days before, the lowest health score; no table of single readings is kept),
// `silver_events`, and three Gold tables: **gold_device_health** (one row per device and day),
// **gold_failure_predictions** (a failure-risk score per device and day from the 24 h and 7 day windows), and
// **gold_maintenance_schedule** (a priority per device and day). `runBatch` writes all three on a run branch,
// runs its audits (each model's SQL tests plus the run's own checks), and publishes them with one merge. Run again, it finds nothing new to build: the tables below then show the last run that
// published (its models and audits, and in step 9 its ROC curve), and say so.

const batch = await runBatch({ config: config, store: store, catalog: catalog });
// This run, or, when it found nothing new to build, the last run that published (and it says which).
const shown = showBatch(batch, config.dataDir);
console.log(shown.heading);
displayTable(
  shown.models.map((m) => ({ model: m.model, rows: m.rows, ms: m.ms })),
  { title: `Models built by ${shown.runId}` },
);
displayTable(
  shown.audits.map((a) => ({ audit: a.name, passed: a.passed, detail: a.detail })),
  { title: `Audits of ${shown.runId}; published: ${shown.published}` },
);
displayTable(await summarizeTables(catalog, MAIN_BRANCH), { title: 'Tables on main' });

// ## 8. Device health and failure risk
//
// Two views of the published Gold tables, with the failures (from the raw events) as crosses: the lowest health
// score each device reached each day, and its failure-risk score. Look at the days before each cross: the risk
// turns dark on the failure day itself, rarely before. The score reacts to a failure (the day's own anomalies)
// rather than predicting it; step 9 measures how little it ranks ahead.

const failures = (await lake.query(
  `SELECT device_id, CAST(CAST(event_timestamp AS DATE) AS VARCHAR) AS date FROM raw_events WHERE event_type = 'failure'`,
)) as { device_id: string; date: string }[];
const health = await readTable(catalog, ctx, MAIN_BRANCH, 'iot.gold_device_health');
await display(
  chartRiskHeatmap({
    predictions: health,
    dateField: 'date',
    valueField: 'min_health_score',
    lowIsBad: true,
    failures: failures,
    title: 'Lowest health score per device and day',
  }),
);
const risk = await readTable(catalog, ctx, MAIN_BRANCH, 'iot.gold_failure_predictions');
await display(
  chartRiskHeatmap({
    predictions: risk,
    failures: failures,
    title: 'Failure risk per device and day',
    note: 'Dark cells sit on the failure days, not before them: the score reacts to a failure rather than predicting it.',
  }),
);

// ## 9. Is the risk score any good?
//
// The simulator's failures are in the data, so we can ask how well `failure_risk_score` ranks the device-days that
// were followed by a failure within three days: the ROC curve plots, for every threshold, the share of those caught
// (true-positive rate) against the share of the others flagged (false-positive rate). The diagonal is chance; the
// area under the curve (AUC) is the probability that a device about to fail scores higher than one that is not.
// The reference formula divides the day's vibration anomalies by 10, so any worn device saturates at 1: it ranks
// only a little better than chance. That is a finding to act on, not a bug to hide.

if (shown.quality && shown.quality.roc.length > 0) {
  await display(chartRocCurve(shown.quality));
  console.log(
    `${shown.runId}: precision@${shown.quality.k} ${((shown.quality.precisionAtK ?? 0) * 100).toFixed(1)} % vs base rate ${((shown.quality.baseRate ?? 0) * 100).toFixed(1)} %`,
  );
} else {
  console.log(`no prediction-quality report to show: ${shown.heading}`);
}

// ## What's next
//
// - The same from a terminal: `LAMBDA_IOT_DATA_DIR=data/notebooks/03-batch-gold-and-wap npx lambda-iot catalog log`,
//   `… table history daily_device_temperature`, `… table scan daily_device_temperature --limit 5`.
// - Run the notebook again: a new run overwrites the days it covers (no duplicate rows) and `main` gains one
//   publish commit per successful run.
// - The same batch from a terminal: `… npx lambda-iot batch --full`, then `… table history gold_device_health`.
// - Drop a file with an impossible value into the lake and run the batch again: Exercise 1 below has the recipe.

// ## Exercises
//
// Each exercise has a task, a hint and a check. Write your answer in the cell that says `undefined` and run it,
// then run the check below it: it prints `✓` when the answer is right, and `not yet: …` with what to look at
// otherwise (an unanswered exercise never stops a "Run All"). The solutions are in `notebooks/solutions/03-batch-gold-and-wap.ts`;
// the notebook's last cell (hidden) checks them on this notebook's data.

import {
  type BatchResult,
  checkBadFileStopped,
  checkLowestHealth,
  dropImpossibleReading,
  showCheck,
  showSolutionChecks,
} from '../../src/index.js';

// ### Exercise 1 · A bad file never reaches main
//
// Someone copies a Parquet file into the lake by hand, with a reading of 999 °C. The landing sink never saw it, so
// only the audits can stop it. Follow the recipe in the answer cell:
//
// 1. note main's head: `const headBefore = (await catalog.getBranch(MAIN_BRANCH)).hash;` (given, with `dropBadFile`);
// 2. drop the file: `const dropped = await dropBadFile();` (`dropImpossibleReading` writes it in the newest date
//    partition of `raw/telemetry/`; its key is `dropped.key`);
// 3. run the batch: `const result = await runBatch({ config: config, store: store, catalog: catalog });` and look at
//    `result.audits` and `result.branch`;
// 4. clean up, so that the notebook runs again: `await store.delete(dropped.key);` and
//    `await catalog.deleteBranch(result.branch!);`.
//
// Your answer is `result`, the result of step 3.
//
// *Hint:* the audit that fails is `silver inputs within contract ranges`; main's hash does not move.

const headBefore = (await catalog.getBranch(MAIN_BRANCH)).hash;
// biome-ignore lint/correctness/noUnusedVariables: step 2 of the exercise calls it
const dropBadFile = () => dropImpossibleReading(store, { dataDir: config.dataDir });
// steps 2 to 4 here, then replace undefined with result
const badRun: BatchResult | undefined = undefined;

showCheck(checkBadFileStopped(badRun, { mainHash: headBefore }));

// ### Exercise 2 · The least healthy device-day
//
// Which device-day had the lowest health score on `main`? Answer `{ device_id: 'device_…', date: 'YYYY-MM-DD' }`.
//
// *Hint:* `health` (step 8) holds gold_device_health's rows, with `min_health_score`; on the heat map it is the
// darkest cell.

const leastHealthy: { device_id: string; date: string } | undefined = undefined; // your answer

showCheck(checkLowestHealth(leastHealthy, { health: health }));

// The shipped solutions (notebooks/solutions/03-batch-gold-and-wap.ts), checked on this notebook's data. The
// bad-file recipe runs for real here and cleans up after itself.
import * as solutions03 from '../../notebooks/solutions/03-batch-gold-and-wap.js';

const headForSolution = (await catalog.getBranch(MAIN_BRANCH)).hash;
showSolutionChecks([
  checkBadFileStopped(await solutions03.badFileRun(store, catalog, config), { mainHash: headForSolution }),
  checkLowestHealth(solutions03.lowestHealth(health), { health: health }),
]);

lake.close();
await stack.close();
