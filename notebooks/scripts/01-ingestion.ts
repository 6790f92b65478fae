// Generated from notebooks/01-ingestion.ipynb by `npm run notebooks:export`: edit the notebook, not this file.
// Run it from the project root with: npx tsx notebooks/scripts/01-ingestion.ts
// Charts are written as PNG files under the data directory (in Jupyter they show inline).

// # 01 · Ingestion: from a simulated plant to the log
//
// A plant of machines sends a reading every minute (energy, temperature, vibration, signal strength) and
// a machine event whenever something happens to a device (a failure, a maintenance, an inspection). In a
// Lambda architecture all of it first lands in a **log**: Kafka topics in production, or the kit's embedded
// SQLite log on a laptop. Every later layer (speed, batch, serving) reads from there.
//
// **What you will learn**
//
// - how the kit is configured, and where a notebook keeps its data;
// - how to simulate a plant whose devices wear out, fail and get repaired, and produce it to the log;
// - what the readings look like, per device and in the days before a failure;
// - whether threshold excursions announce failures (the *lift* of a precursor);
// - what topics, partitions, consumer groups, commits and lag are, by reading messages back;
// - how the landing sink turns the log into typed Parquet files in the lake, and how to query them with SQL.
//
// Run the cells from top to bottom (Shift+Enter). Nothing here needs a server: the embedded defaults are
// enough. Every cell can be run again.

// ## 1. Configure
//
// The kit has one typed configuration, read from environment variables (`LAMBDA_IOT_…`) with embedded
// defaults. `useNotebookDataDir` gives this notebook its own data directory, `data/notebooks/01-ingestion/`,
// so notebooks never share state and can run in any order (set `LAMBDA_IOT_DATA_DIR` yourself to choose
// another one). Secrets, such as a Kafka password, are never shown.

import {
  chartDeviceTimeline,
  chartLakePartitions,
  chartMessagesPerPartition,
  collectDeviceReadings,
  DAY_MS,
  describeConfig,
  describeLift,
  describeLogTarget,
  describeTopics,
  display,
  displayTable,
  EXCURSION_THRESHOLDS,
  HOUR_MS,
  historySimulation,
  nextOffsets,
  openLakeReader,
  openStack,
  pickWearFailure,
  qualifiedName,
  readGroundTruth,
  readGroupLag,
  runLandingSink,
  simulateToLog,
  summarizeLake,
  summarizeSimulation,
  tabulateGroupLag,
  tabulateLake,
  tabulateLanding,
  tabulatePrecursors,
  tabulateRecords,
  tabulateTopics,
  topicName,
  useNotebookDataDir,
} from '../../src/index.js';

const config = useNotebookDataDir('01-ingestion');
displayTable(describeConfig(config), { title: 'Configuration (secrets masked)' });

// ## 2. Simulate a plant into the log
//
// The simulator models 10 devices for 14 days, one reading per device per minute. Each device has a hidden
// *health* that wears down; as it wears, temperature, vibration or energy use drift up (depending on how it
// wears: bearing, motor or electrical), and the lower its health the likelier it fails. Maintenance restores
// it. The same seed always gives the same messages.
//
// `simulateToLog` produces the readings to the topic `iot-telemetry` and the machine events to `iot-events`,
// keyed by `device_id`. It is **idempotent**: running this cell again finds the finished run in the data
// directory and produces nothing (`skipped`); an interrupted run resumes. What really happened (health,
// failures and their causes) is written beside it as *ground truth*, which the log itself never sees.

const stack = openStack(config);
const log = await stack.log();
const simulation = historySimulation({ devices: 10, days: 14, seed: 42 });
// `config: config`, not `{ config }`: tslab loses shorthand properties that name an earlier cell's variable.
const run = await simulateToLog({ log, config: config, simulation, logTarget: describeLogTarget(config) });
displayTable([
  {
    action: run.action,
    ...run.manifest.produced,
    failures: run.manifest.failures,
    log: run.manifest.logTarget,
  },
]);

// ## 3. Look at the readings
//
// The simulation is deterministic, so instead of reading 200,000 messages back from the log we replay it in
// memory and summarize each device. An *excursion* is a reading past the reference threshold: temperature
// above 28 °C, vibration above 3.0 mm/s². Compare the excursion columns with the failures column: excursions
// are the signal the speed layer will look for.

const summary = summarizeSimulation(simulation);
displayTable(summary.devices, { title: 'Readings per device, 14 days' });

// ## 4. A device in the days before its failure
//
// The ground truth tells which failures came from wear (rather than a random sensor fault). We pick the first
// wear failure with three failure-free days before it, and chart that device's temperature and vibration over
// those days. The thin line is every reading, the thick one the hourly mean, the dashed line the excursion
// threshold and the red line the failure.

const truth = readGroundTruth(run.groundTruthDir);
const failure = pickWearFailure(truth, { historyMs: 3 * DAY_MS });
displayTable([failure], { title: 'The failure to look at (ground truth)' });

const failedAtMs = Date.parse(failure.timestamp);
const readings = collectDeviceReadings(simulation, {
  deviceId: failure.device_id,
  fromMs: failedAtMs - 3 * DAY_MS,
  toMs: failedAtMs + HOUR_MS,
});
await display(
  chartDeviceTimeline({
    readings,
    metric: ['temperature', 'vibration'],
    failures: truth.failures,
    threshold: EXCURSION_THRESHOLDS,
    title: `${failure.device_id}: the 3 days before its ${failure.component} failure`,
  }),
);

// The drift is slow and noisy: no single reading says "this device will fail tomorrow". Look at the thick
// lines instead: which metric crosses its threshold before the failure, and how many hours before? A device
// that wears in another way (motor, electrical) shows it in other metrics.
//
// ## 5. Do excursions announce failures?
//
// For every failure we ask: did the device have an excursion in the 24 hours before it? Then we ask the same
// of 2,000 random 24-hour windows. The ratio of the two shares is the **lift**. A lift of 1 means excursions
// are no better than chance; a lift of 2 means a window with an excursion is twice as likely as a random one
// to end in a failure, which makes excursions worth an alert.

displayTable(tabulatePrecursors(summary.precursors), {
  title: 'Failures preceded by an excursion (24 h) vs random 24 h windows',
});
console.log(describeLift(summary.precursors));

// ## 6. Topics and partitions
//
// A topic is split into partitions; the message key (`device_id`) decides the partition, so all readings of
// one device stay in one partition, in order. Each partition's *end offset* is the offset the next message
// will get, which is also how many messages it holds (until retention deletes old ones). With only 10 keys
// the partitions are uneven: a hash spreads many keys evenly, a few keys by luck.

const topics = await describeTopics(log, [topicName(config, 'telemetry'), topicName(config, 'events')]);
displayTable(tabulateTopics(topics));
await display(chartMessagesPerPartition(topics));

// ## 7. Read messages back with a consumer group
//
// A consumer in a **group** reads from the group's committed offsets (or from the beginning, the first time)
// and **commits** what it has handled, so a restarted consumer carries on where it stopped. The group's
// **lag** is how many messages it has not committed yet. Here the group `notebook-01-readers` reads five
// readings; run the two cells again and it continues after them.

const telemetryTopic = topicName(config, 'telemetry');
const group = qualifiedName(config, 'notebook-01-readers');
const lagBefore = await readGroupLag(log, group, telemetryTopic);
const consumer = await log.consumer({ group, topics: [telemetryTopic], fromBeginning: true });
const records = await consumer.poll({ maxRecords: 5, maxWaitMs: 10_000 });
displayTable(tabulateRecords(records), { title: `${records.length} records read by ${group}` });

await consumer.commit(nextOffsets(records));
await consumer.close();
const lagAfter = await readGroupLag(log, group, telemetryTopic);
displayTable(tabulateGroupLag(lagBefore, lagAfter), { title: `Lag of ${group} before and after the commit` });

// ## 8. Land the log in the lake
//
// The batch layer does not read the log: it reads the **lake**, an object store (a directory here, S3 or MinIO
// in production) of Parquet files. The **landing sink** consumes both topics as group `lambda_batch_ingestion`
// and writes typed Parquet files named after what they hold:
//
// `raw/telemetry/date=2025-04-03/iot-telemetry-2-8474-12585.parquet` is partition 2 of `iot-telemetry`, offsets
// 8,474 to 12,585, all with event date 2025-04-03. A date change cuts a file, so late data makes a small file in its
// own date. Offsets are committed only after a file is stored, and on start the sink reads the file names to
// see how far it got, so a crash neither loses nor duplicates a row. Run the cell twice: the second run lands
// nothing.

const store = await stack.store();
const landing = await runLandingSink({ log: log, store: store, config: config, untilEnd: true });
displayTable(tabulateLanding(landing), { title: `Landed this run into ${store.describe()}` });

// How the rows spread over the date partitions: one bar per event date and dataset, ending in its rows and its
// number of files (one file per log partition and date, more where a date came late). The row counts come from the Parquet
// footers, read with ranged requests, not from the whole files.

const lakeSummary = await summarizeLake(store, 'raw/');
displayTable(tabulateLake(lakeSummary), { title: 'The lake, per date partition' });
await display(chartLakePartitions(lakeSummary));

// ## 9. Query the raw Parquet with SQL
//
// `openLakeReader` opens DuckDB over the raw files as two views, `raw_telemetry` and `raw_events`, in a UTC session
// (dates are UTC dates whatever the machine's time zone). Values are bound as parameters (`$1`), never pasted into
// the SQL. First the columns and their types, then the daily peak temperature and vibration of the device
// that failed in step 4, with the failure day marked.

const lake = await openLakeReader(store, { dataDir: config.dataDir });
displayTable(await lake.query('SELECT column_name, column_type FROM (DESCRIBE raw_telemetry)'), {
  title: 'raw_telemetry columns',
});

const daily = await lake.query(
  `SELECT CAST(t."timestamp" AS DATE) AS day,
          count(*) AS readings,
          round(max(t.temperature), 1) AS max_temperature,
          round(max(t.vibration), 2) AS max_vibration,
          count(*) FILTER (WHERE t.vibration > 3.0) AS vibration_excursions,
          (SELECT count(*) FROM raw_events e
            WHERE e.device_id = $1 AND e.event_type = 'failure'
              AND CAST(e.event_timestamp AS DATE) = CAST(t."timestamp" AS DATE)) AS failures
   FROM raw_telemetry t
   WHERE t.device_id = $1
   GROUP BY 1 ORDER BY 1`,
  [failure.device_id],
);
displayTable(daily, { title: `${failure.device_id}, day by day, from the lake` });
lake.close();

// ## What's next
//
// - Try another seed in a fresh data directory: change the name in `useNotebookDataDir('01-ingestion')` in
//   step 1 (e.g. `'01-ingestion-seed7'`) and the seed in step 2, then run the notebook again. A second plant
//   in the same data directory is refused (its readings would mix with the first plant's in the lake); the
//   same simulation again is skipped, and more devices or days of the same seed are added.
// - Point the same notebook at Kafka: set `LAMBDA_IOT_BUS=kafka` and `LAMBDA_IOT_KAFKA_BROKERS` before
//   starting Jupyter. Nothing else changes.
// - Look at the same log and lake from a terminal:
//   `LAMBDA_IOT_DATA_DIR=data/notebooks/01-ingestion npx lambda-iot topics` and `… npx lambda-iot lake ls`.
// - Point the lake at S3 or MinIO: set `LAMBDA_IOT_STORE=s3` and `LAMBDA_IOT_S3_ENDPOINT` (see the README).
// - This notebook also runs as a plain script: `npx tsx notebooks/scripts/01-ingestion.ts`.
// - Next notebook: the speed layer, which turns excursions like the ones above into anomalies in real time.

// ## Exercises
//
// Each exercise has a task, a hint and a check. Write your answer in the cell that says `undefined` and run it,
// then run the check below it: it prints `✓` when the answer is right, and `not yet: …` with what to look at
// otherwise (an unanswered exercise never stops a "Run All"). The solutions are in `notebooks/solutions/01-ingestion.ts`;
// the notebook's last cell (hidden) checks them on this notebook's data.

import { checkMostFailures, checkTopicMessages, showCheck, showSolutionChecks } from '../../src/index.js';

// ### Exercise 1 · The device that failed most
//
// Which device failed most often in the 14 simulated days? Answer with its id, e.g. `'device_3'`.
//
// *Hint:* `summary.devices` (step 3) has one row per device, with a `failures` column.

const mostFailed: string | undefined = undefined; // your answer, e.g. 'device_3'

showCheck(checkMostFailures(mostFailed, { devices: summary.devices }));

// ### Exercise 2 · How many readings does the log hold?
//
// How many messages does the topic `iot-telemetry` hold, all partitions together? Answer with a number.
//
// *Hint:* `topics` (step 6) lists each partition's end offset, and a partition's end offset is how many messages it
// holds.

const telemetryMessages: number | undefined = undefined; // your answer: a number

showCheck(checkTopicMessages(telemetryMessages, { topics: topics, topic: telemetryTopic }));

// The shipped solutions (notebooks/solutions/01-ingestion.ts), checked on this notebook's data.
import * as solutions01 from '../../notebooks/solutions/01-ingestion.js';

showSolutionChecks([
  checkMostFailures(solutions01.mostFailures(summary.devices), { devices: summary.devices }),
  checkTopicMessages(solutions01.topicMessages(topics, telemetryTopic), {
    topics: topics,
    topic: telemetryTopic,
  }),
]);

await stack.close();
