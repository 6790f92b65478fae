// Generated from notebooks/02-speed-layer-and-rule-tuning.ipynb by `npm run notebooks:export`: edit the notebook, not this file.
// Run it from the project root with: npx tsx notebooks/scripts/02-speed-layer-and-rule-tuning.ts
// Charts are written as PNG files under the data directory (in Jupyter they show inline).

// # 02 · The speed layer and rule tuning
//
// The **speed layer** reads every reading as it arrives and raises an **anomaly** when the reading breaks a
// rule, such as "vibration above 3.0 mm/s²". Anomalies go to their own topic, `iot-anomalies`, within
// seconds; the batch layer will recompute everything later, slowly and exactly. But which threshold? Too
// low and the maintenance team drowns in alerts that precede nothing; too high and machines fail without
// warning. Because the log also holds what really happened (the failure events), we can **replay history**
// and score each threshold against the failures that followed.
//
// **What you will learn**
//
// - what a rule set is (rules are data, versioned JSON) and what the reference rules say;
// - how the speed layer consumes telemetry with per-device state, publishes anomalies, auto-confirms
//   repeated ones, and checkpoints so that a rerun resumes instead of repeating;
// - how to read anomalies back, and see on a heat map whether they pile up before failures;
// - which metrics announce failures at all (the *lift* of each metric's excursions);
// - how to backtest a threshold: alerts, precision, recall, lead time and alerts per device-day, over a
//   whole sweep of thresholds, with and without an alert budget;
// - how to save a tuned rule set, compare it with the reference on the same history, and run it beside the
//   reference from scratch.
//
// Run the cells from top to bottom (Shift+Enter). Nothing here needs a server, and every cell can be run
// again. The whole notebook takes under a minute the first time, less afterwards.

// ## 1. A plant to work on
//
// `useNotebookDataDir` gives this notebook its own data directory, `data/notebooks/02-speed-layer-and-rule-tuning/`,
// with its own log. Into it we simulate a plant of 20 machines for three weeks, one reading per machine per
// minute: about 590,000 readings and some forty failures. That is big enough for the tuning below to mean
// something (a handful of failures would prove nothing) and small enough to run in seconds. As in notebook
// 01, machines wear, drift and fail; the same seed always gives the same plant, and running the cell again
// finds the finished run and skips it.

import {
  backtestRules,
  cacheHistory,
  chartAnomaliesPerDeviceDay,
  chartThresholdSweep,
  DAY_MS,
  describeLogTarget,
  describeRecommendation,
  display,
  displayTable,
  historyFromLog,
  historySimulation,
  loadConfig,
  loadRuleSet,
  openStack,
  pickAutoConfirmation,
  readAnomalies,
  readGroundTruth,
  referenceRules,
  reportPrecursors,
  runStreamProcessor,
  saveRuleSet,
  simulateToLog,
  summarizeAnomalies,
  sweepThreshold,
  tabulateAnomalyCounts,
  tabulateAnomalySummary,
  tabulateBacktests,
  tabulateBudgets,
  tabulatePrecursors,
  tabulateRuleSet,
  tabulateStreamStats,
  tabulateSweep,
  topicName,
  useNotebookDataDir,
  withThreshold,
} from '../../src/index.js';

const config = useNotebookDataDir('02-speed-layer-and-rule-tuning');
const stack = openStack(config);
const log = await stack.log();
const simulation = historySimulation({ devices: 20, days: 21, seed: 42 });
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

// ## 2. The reference rule set
//
// The speed layer's rules are **data**: a versioned JSON document that you can show, diff, save and load
// (`lambda-iot rules show`, `lambda-iot stream --rules FILE`). The reference set reproduces the reference
// implementation: one *threshold* rule per metric, some with a stricter level that raises the severity, and an
// **auto-confirm** policy: the third anomaly of one type on one device within an hour is confirmed by
// `system`, so a human need not confirm a machine that keeps complaining. The kit also has *spike* rules (a
// jump since the previous reading) and *sustained* rules (N readings in a row); the reference uses neither.

const reference = referenceRules();
displayTable(tabulateRuleSet(reference), { title: `Rule set ${reference.name}@${reference.version}` });
console.log('One rule as it is stored:');
console.log(JSON.stringify(reference.rules[1], null, 2));

// ## 3. Run the speed layer over the history
//
// `runStreamProcessor` is the speed layer. It consumes `iot-telemetry` as the consumer group
// `lambda_streaming_anomalies` (behind the configured name prefix, if any) and, batch by batch:
//
// 1. validates every message (a bad one goes to the dead-letter topic `iot-dlq` with the reason);
// 2. evaluates the rules with **per-device state** (the previous reading, runs, the last hour's anomalies for
//    auto-confirm);
// 3. publishes the anomalies to `iot-anomalies`, keyed by `device_id`;
// 4. writes a **checkpoint** (the state together with the input offsets it reflects) under the data
//    directory, `speed/lambda_streaming_anomalies-….checkpoint.json`, and only then commits the offsets.
//
// In production it runs forever; `untilEnd: true` makes it stop at the end offsets it saw when it started,
// a batch run over the history. Run the cell again and it reads nothing: the checkpoint says every reading
// is already reflected in the anomalies topic (look at `resumed_from_checkpoint`).

const speed = await runStreamProcessor({
  log: log,
  config: config,
  rules: reference,
  untilEnd: true,
});
displayTable(tabulateStreamStats(speed, `${reference.name}@${reference.version}`), {
  title: 'This run of the speed layer',
});

// The counters above are this run's. What the topic holds, whatever the runs, is what a serving table will
// show: `summarizeAnomalies` reads the whole anomalies topic without a consumer group (nothing is committed)
// and counts each anomaly once by its identity (device, timestamp, type), since at-least-once publishing may
// repeat a batch after a crash.

const anomaliesTopic = topicName(config, 'anomalies');
const summary = await summarizeAnomalies(log, anomaliesTopic);
displayTable(tabulateAnomalySummary(summary), {
  title: `${anomaliesTopic}: ${summary.anomalies.toLocaleString('en-US')} anomalies by type and severity, ${summary.confirmed.toLocaleString('en-US')} auto-confirmed`,
});

// Now read the anomalies themselves. `readAnomalies` is a consumer without a group, reading up to the end
// offsets it saw at start. The first table shows the earliest anomalies; the second the first
// **auto-confirmation**: three anomalies of one type on one device within an hour, the third one confirmed by
// `system`, with ` (Auto-Confirmed)` added to its description.

const anomalies = await readAnomalies(log, anomaliesTopic);
displayTable(anomalies.slice(0, 4), { title: 'The earliest anomalies (event time)' });
displayTable(pickAutoConfirmation(anomalies, { windowMs: reference.auto_confirm!.window_ms }), {
  title: 'The first auto-confirmation and the anomalies that led to it',
});

// Nearly every anomaly ends up auto-confirmed. That is a first hint that *counting anomalies* says little:
// a worn machine above the threshold raises one anomaly per reading, 60 an hour, and they confirm each other.
//
// ## 4. Anomalies over time
//
// The heat map counts anomalies per device and day (a log colour scale: a worn machine raises hundreds a day,
// a glitch one), and marks each failure from the ground truth with a ×.

const truth = readGroundTruth(run.groundTruthDir);
await display(chartAnomaliesPerDeviceDay({ anomalies: anomalies, failures: truth.failures }));

// Most failures sit at the end of a few red days: the machine wore, its readings crossed a threshold, and it
// failed a day or two later. Some failures come out of a quiet row (a random sensor failure, or a wear that
// shows in no thresholded metric), and some red stretches end without a failure (a maintenance repaired the
// machine in time). So the alerts are useful, but neither complete nor all true. How useful, exactly?
//
// ## 5. Which metrics announce failures?
//
// To score rules we **replay the history** from the log: `historyFromLog` reads the telemetry and event
// topics without a consumer group, validates every message and puts them in event-time order, the same way
// `lambda-iot rules tune` does. The next steps replay it several times, so `cacheHistory` reads the log once
// and keeps the history in memory.
//
// First the *precursor* report: for each metric, the share of failures with an excursion (a reading beyond
// the reference threshold) in the 24 h before, against the share of random 24 h device windows with one. Their
// ratio is the **lift**.

const history = await cacheHistory(historyFromLog(log, config));
displayTable([{ source: history.label, ...history.stats }], { title: 'The history the backtests replay' });
const precursors = await reportPrecursors(history, { horizonMs: DAY_MS });
displayTable(tabulatePrecursors(precursors), {
  title: 'Failures preceded by an excursion (24 h) vs random 24 h device windows',
});
for (const row of precursors.rows) console.log(row.sentence);

// **Reading it:** vibration, temperature and energy excursions are two to four times likelier before a
// failure than at random, which makes them worth alerting on and worth tuning. Signal strength has next to
// no lift (close to 1, and from a handful of failures): its dropouts are noise, as frequent before a failure
// as anywhere else. The `low_signal` rule reports a connectivity problem, not a failing machine, so there
// is nothing to tune it for here.
//
// ## 6. Tune a threshold by backtest
//
// A backtest replays the history through a rule and scores what it would have raised:
//
// - an **alert** is an *episode*: the first anomaly of a device after at least an hour without one (what
//   would page a technician, unlike the 60 anomalies an hour behind it);
// - **precision**: the share of alerts followed by a failure of that device within the horizon (24 h);
// - **recall**: the share of failures that had an alert in the 24 h before;
// - **median lead**: how long before the failure the first alert came;
// - **alerts per device-day**: the cost, with its 95 % upper bound (what the rate could be on new data).
//
// `sweepThreshold` scores a whole range of thresholds in a single pass and recommends the one with the best
// recall among those raising no more alerts than the reference threshold on the same history.

const vibration = await sweepThreshold({
  source: history,
  metric: 'vibration',
  from: 2,
  to: 4,
  step: 0.1,
  horizonMs: DAY_MS,
});
displayTable(tabulateSweep(vibration), {
  title: 'vibration > threshold: backtest of each threshold, horizon 24 h',
});
console.log(describeRecommendation(vibration));

await display(
  chartThresholdSweep(vibration.rows, {
    metric: 'vibration',
    reference: vibration.reference_threshold,
    recommended: vibration.recommended?.threshold,
    budget: vibration.budget,
    budgetLabel: "budget: the reference's alert rate",
  }),
);

// **Reading the chart:** to the right, a higher threshold raises fewer alerts (bottom panel) and they are
// more often right (precision climbs), but they come later and catch fewer failures (recall falls). To the
// left, recall falls too, which surprises at first: with a low threshold a worn machine stays above it for
// days, so its one long episode begins *too early*, more than 24 h before the failure, and then never alerts
// again. The best recall sits in between. The recommendation must stay under the dashed red line, the
// reference's own alert rate.
//
// Now the same for temperature, from 26 to 34 °C in steps of 0.25 °C.

const temperature = await sweepThreshold({
  source: history,
  metric: 'temperature',
  from: 26,
  to: 34,
  step: 0.25,
  horizonMs: DAY_MS,
});
displayTable(tabulateSweep(temperature), {
  title: 'temperature > threshold: backtest of each threshold, horizon 24 h',
});
console.log(describeRecommendation(temperature));
await display(
  chartThresholdSweep(temperature.rows, {
    metric: 'temperature',
    reference: temperature.reference_threshold,
    recommended: temperature.recommended?.threshold,
    budget: temperature.budget,
    budgetLabel: "budget: the reference's alert rate",
  }),
);

// ## 7. An alert budget
//
// The temperature rule is the noisy one: with 20 machines its reference threshold pages someone several times
// a day, mostly for nothing. Suppose the maintenance team says: *no more than 0.4 temperature alerts per
// device-day*, below what the reference raises. A budget given as a number must hold on data the backtest has
// not seen, so a threshold qualifies only when the **95 % upper bound** of its alert rate is within it (the
// shaded band of the chart must stay under the line), as `lambda-iot rules tune --budget` does.
//
// The budget changes only which row is recommended, not the scores, so `tabulateBudgets` shows at once where
// the recommendation moves as the budget tightens.

displayTable(tabulateBudgets(temperature, [0.5, 0.4, 0.3, 0.2, 0.1]), {
  title: 'temperature: the recommendation under each budget',
});
displayTable(tabulateBudgets(vibration, [0.2, 0.15, 0.1, 0.05]), {
  title: 'vibration: the recommendation under each budget',
});
const temperatureBudget = 0.4;
const temperatureTuned = await sweepThreshold({
  source: history,
  metric: 'temperature',
  from: 26,
  to: 34,
  step: 0.25,
  horizonMs: DAY_MS,
  budget: temperatureBudget,
});
console.log(describeRecommendation(temperatureTuned));
await display(
  chartThresholdSweep(temperatureTuned.rows, {
    metric: 'temperature',
    reference: temperatureTuned.reference_threshold,
    recommended: temperatureTuned.recommended?.threshold,
    budget: temperatureBudget,
    title: `Temperature threshold sweep under a budget of ${temperatureBudget} alerts per device-day`,
  }),
);

// Every budget is a trade: fewer pages for fewer failures caught. Which trade is right is the team's call, not
// the backtest's; the backtest only makes the price visible. (On a history this size, one failure is 2 % of
// recall: small differences between neighbouring thresholds are noise.)
//
// ## 8. Save the tuned rules, compare them, run them
//
// The tuned rule set is the reference with two thresholds moved: vibration to the recommendation of step 6
// and temperature to the recommendation under the budget. It gets its own name, because the speed layer's
// checkpoint records which rule set (`name@version`) built its state. Saved as JSON, it is what
// `lambda-iot stream --rules FILE` loads.

const tuned = {
  ...withThreshold(
    withThreshold(reference, 'vibration', vibration.recommended?.threshold ?? vibration.reference_threshold),
    'temperature',
    temperatureTuned.recommended?.threshold ?? temperatureTuned.reference_threshold,
  ),
  name: 'tuned',
  version: '1',
};
const rulesFile = `${config.dataDir}/tuned-rules.json`;
saveRuleSet(rulesFile, tuned);
const loaded = loadRuleSet(rulesFile);
displayTable(tabulateRuleSet(loaded), {
  title: `Rule set ${loaded.name}@${loaded.version}, read back from ${rulesFile}`,
});

// **Compare on the same history.** `backtestRules` replays the history through a whole rule set (a fresh
// rule engine, nothing published) and scores its alerts per anomaly type and all together. Both rule sets see
// the same readings and the same failures, so the difference is the rules' alone.

const horizon = { horizonMs: DAY_MS };
const referenceScore = await backtestRules(history, reference, horizon);
const tunedScore = await backtestRules(history, loaded, horizon);
displayTable(tabulateBacktests({ 'reference@1': referenceScore, 'tuned@1': tunedScore }), {
  title: 'Backtest on the same history, horizon 24 h',
});

// **Run the tuned rules from scratch, beside the reference.** Calling `runStreamProcessor` again with the new
// rules would not do: the group `lambda_streaming_anomalies` has committed the end of the topic and its
// checkpoint would resume there (it would read nothing), and anything new would land in the same
// `iot-anomalies`, mixed with the reference's anomalies. A fresh run needs a fresh consumer group, a fresh
// checkpoint and its own output topic. The kit derives all three from one setting, the name prefix
// `LAMBDA_IOT_NAME_PREFIX`, so a second configuration with the prefix `tuned-` gives a **shadow deployment**:
// `tuned-iot-telemetry` → group `tuned-lambda_streaming_anomalies` → `tuned-iot-anomalies`, in the same log,
// the reference untouched. Its input topic starts empty, so we produce the same deterministic plant into it
// first (on Kafka you would mirror the real topic instead). Like everything here, it is skipped when run again.

const shadow = loadConfig({ ...process.env, LAMBDA_IOT_NAME_PREFIX: `${config.namePrefix}tuned-` });
const shadowRun = await simulateToLog({
  log: log,
  config: shadow,
  simulation: simulation,
  logTarget: describeLogTarget(shadow),
});
const shadowSpeed = await runStreamProcessor({
  log: log,
  config: shadow,
  rules: loaded,
  untilEnd: true,
});
displayTable(
  [{ topic: topicName(shadow, 'telemetry'), action: shadowRun.action, ...shadowRun.manifest.produced }],
  {
    title: 'The same plant in the shadow input topic',
  },
);
displayTable([...tabulateStreamStats(speed, 'reference@1'), ...tabulateStreamStats(shadowSpeed, 'tuned@1')], {
  title: 'The two speed-layer runs (this execution of the notebook)',
});

const shadowSummary = await summarizeAnomalies(log, topicName(shadow, 'anomalies'));
displayTable(tabulateAnomalyCounts({ 'reference@1': summary, 'tuned@1': shadowSummary }), {
  title: `Anomalies published: ${anomaliesTopic} vs ${topicName(shadow, 'anomalies')}`,
});

// **Reading the comparison:** the tuned rules publish fewer anomalies and raise fewer alerts per device-day,
// and their vibration alerts are right more often. All rules together, they catch at least as many failures
// as the reference: a higher threshold starts an episode later, so its alert may now fall inside the 24 h
// before a failure instead of too early, and a failure that one rule misses may be caught by another. Note
// also that anomaly counts and alert counts move differently: anomalies measure how long machines stayed
// beyond a threshold, alerts how often someone would be paged. Tune on alerts, never on anomaly counts.
//
// ## What's next
//
// - Tune on a bigger plant and check on another: change `devices` and `seed` in step 1 and give the notebook
//   a fresh data directory (another name in `useNotebookDataDir(…)`: one data directory holds one plant, a
//   second seed there is refused), or see the README's table for 50 devices × 30 days, tuned on seed 1 and
//   checked on seed 2.
// - The same from a terminal, on this notebook's log (set `LAMBDA_IOT_DATA_DIR=data/notebooks/02-speed-layer-and-rule-tuning`):
//   `npx lambda-iot rules tune --metric temperature --range 26:34:0.25 --budget 0.4` prints the sweep of step 7
//   (`--save FILE` writes the tuned rule set), `npx lambda-iot topics` shows the reference's and the shadow's topics and groups side by
//   side, and `npx lambda-iot stream --rules FILE` is how a speed layer is started with a saved rule set.
// - Try another kind of rule: replace the vibration threshold rule by a *sustained* rule (e.g. above 3 mm/s²
//   for 10 readings in a row) in a rule set, and sweep its threshold with `sweepThreshold({ …, baseRules })`.
// - This notebook also runs as a plain script: `npx tsx notebooks/scripts/02-speed-layer-and-rule-tuning.ts`
//   (charts become PNG files under the data directory).
// - Next on the roadmap: the batch layer, which lands the raw data as Parquet and builds versioned Gold
//   tables, and the serving layer, which unifies them with the anomalies published here.

// ## Exercises
//
// Each exercise has a task, a hint and a check. Write your answer in the cell that says `undefined` and run it,
// then run the check below it: it prints `✓` when the answer is right, and `not yet: …` with what to look at
// otherwise (an unanswered exercise never stops a "Run All"). The solutions are in `notebooks/solutions/02-speed-layer-and-rule-tuning.ts`;
// the notebook's last cell (hidden) checks them on this notebook's data.

import {
  checkPreciseThreshold,
  checkWarmRules,
  type RuleSet,
  showCheck,
  showSolutionChecks,
} from '../../src/index.js';

// ### Exercise 1 · Choose a threshold yourself
//
// In the vibration sweep of step 6, which threshold has the best precision among those that catch at least 40 %
// of the failures (recall ≥ 0.4)? Answer with the threshold, e.g. `2.5`.
//
// *Hint:* read the sweep table, or filter `vibration.rows` (each row has `threshold`, `precision` and `recall`).

const preciseVibration: number | undefined = undefined; // your answer, e.g. 2.5

showCheck(checkPreciseThreshold(preciseVibration, { rows: vibration.rows }));

// ### Exercise 2 · A rule set of your own
//
// Make a rule set named `warm`: the reference rules with the temperature threshold at 30 °C, every other rule
// unchanged.
//
// *Hint:* `withThreshold` (step 8) returns a copy of a rule set with one threshold changed; a rule set's name is its
// `name` field.

const warm: RuleSet | undefined = undefined; // your answer: a rule set

showCheck(checkWarmRules(warm, { reference: reference }));

// The shipped solutions (notebooks/solutions/02-speed-layer-and-rule-tuning.ts), checked on this notebook's data.
import * as solutions02 from '../../notebooks/solutions/02-speed-layer-and-rule-tuning.js';

showSolutionChecks([
  checkPreciseThreshold(solutions02.preciseThreshold(vibration.rows), { rows: vibration.rows }),
  checkWarmRules(solutions02.warmRules(reference), { reference: reference }),
]);

await stack.close();
