// Generated from notebooks/05-dashboards.ipynb by `npm run notebooks:export`: edit the notebook, not this file.
// Run it from the project root with: npx tsx notebooks/scripts/05-dashboards.ts
// Charts are written as PNG files under the data directory (in Jupyter they show inline).

// # 05 · Dashboards: what an operator looks at
//
// The pipeline ends on a screen. `npx lambda-iot dashboard` serves an operations dashboard from the **serving
// layer** (the embedded DuckDB file, or StarRocks by setting): the reference's ten Superset charts plus a
// freshness strip, a device page, filters that live in the URL, and a static export. This notebook builds every
// panel inline, the same way the server does: the panel's SQL (`sql/duckdb/panels/<name>.sql`, values bound,
// never pasted) → rows → the panel's vega-lite builder (`src/viz/panels/`) → a chart.
//
// All times are UTC. "Last hour" and "last 4 h" are relative to the **newest event time served**, not the wall
// clock: a simulated history has no "now" (in live mode the two coincide).

// ## 1. A plant, through the whole pipeline
//
// `runPipeline` is what `npm start` runs: simulate → speed layer → lake → Gold → serving, and at the end the
// static dashboard export. A second run skips what is done.

import {
  boundParams,
  display,
  displayTable,
  newestEventTime,
  openServing,
  openStack,
  PANELS,
  panelAlertList,
  panelAnomaliesPerMinute,
  panelAnomalyHeatmap,
  panelAnomalyTypeSeverity,
  panelCostWaterfall,
  panelCriticalityByDay,
  panelDeviceHealth,
  panelFailureRiskTrend,
  panelFreshness,
  panelMaintenancePriority,
  panelMaintenanceTimeline,
  panelPendingBySeverity,
  parseFilters,
  readPanelSql,
  resolveRange,
  runPanel,
  runPipeline,
  useNotebookDataDir,
} from '../../src/index.js';

const config = useNotebookDataDir('05-dashboards');
const stack = openStack(config);
const summary = await runPipeline(stack);
const handle = await openServing(stack);
const serving = handle.serving;
console.log(`serving ${serving.describe()}; static export written to ${summary.dashboard.html}`);

// ## 2. Filters become bound values
//
// Every panel shares two filters: a time range (`1h`, `24h`, `7d`, `all` or `custom` with `from`/`to`) and a
// device. They are validated (zod) and resolved into four bound values: `$from_ts`/`$to_ts` for timestamps and
// `$from_date`/`$to_date` for dates, plus `$device` (`''` = every device). The browser never sends SQL.

const filters = parseFilters({ range: '7d' });
const range = resolveRange(filters, await newestEventTime(serving));
displayTable([range], { title: 'last 7 days, ending at the newest event served' });
const sql = readPanelSql('maintenance_priority');
console.log(sql);
const { rows } = await serving.query(sql, boundParams(sql, { ...range, device: '' }));
displayTable(rows, { title: 'maintenance_priority rows' });

// ## 3. The panels
//
// **Maintenance priority**: how much maintenance is scheduled per priority (slice = count; the cost is in the
// tooltip)? A plant whose pie is mostly P0 has more urgent work than crews.

const rowsOf = async (name: string, f = filters) => (await runPanel(serving, name, f)).rows;
await display(panelMaintenancePriority(await rowsOf('maintenance_priority')));

// **Failure-risk trend**: the mean (line) and the highest (points) `failure_risk_score` per day. A rising mean
// is a plant ageing; a lone high point is one device to look at (its id is in the tooltip).

await display(panelFailureRiskTrend(await rowsOf('failure_risk_trend')));

// **Temperature band × vibration anomalies**: device-days by their maximum temperature and their vibration
// anomalies. Wear shows as days that are both hot and shaking (top right).

await display(panelAnomalyHeatmap(await rowsOf('anomaly_heatmap')));

// **Cost waterfall**: how the estimated cost adds up, priority by priority, to the total the schedule implies.

await display(panelCostWaterfall(await rowsOf('cost_waterfall')));

// **Maintenance timeline**: each device's newest schedule, from its date to its due date (P0 + 1 day, P1 +
// 3 days, otherwise + 7 days, as in the reference chart).

await display(panelMaintenanceTimeline(await rowsOf('maintenance_timeline')));

// **Anomalies per minute, last hour** and **pending anomalies of the last 4 h by severity**: what the speed layer
// raised just now, and what still waits for someone (neither confirmed, by the system or a reviewer, nor
// dismissed). Both end at the newest anomaly served.

await display(panelAnomaliesPerMinute(await rowsOf('anomalies_per_minute')));
await display(panelPendingBySeverity(await rowsOf('pending_by_severity')));

// **Anomaly type × severity**: which rules fire, and how severe their anomalies are.

await display(panelAnomalyTypeSeverity(await rowsOf('anomaly_type_severity')));

// **Device criticality by day** from the unified view: the five most critical devices of each day, coloured by
// where the row comes from: `batch` (Gold, up to the batch watermark) or `realtime` (the speed layer's
// device-day view, after it). In the browser a click on a point filters every other panel to that device.

const critical = await rowsOf('criticality_by_day');
await display(panelCriticalityByDay(critical));

// **Alerts** and **freshness**: the newest alerts with their status, and per source the newest event time served
// and how far it lags the newest of all (a batch that stops publishing shows up here first).

await display(panelAlertList((await rowsOf('alert_list')).slice(0, 15)));
await display(panelFreshness(await rowsOf('freshness')));

// ## 4. One device
//
// The device page (`/device?device=…`) shows one device's health and criticality per day (red rules: failure
// days), its maintenance, its alerts, and its raw telemetry from the lake around a chosen alert. Here the most
// critical device of the newest day:

const worst = [...critical].sort((a, b) => Number(b.criticality_score) - Number(a.criticality_score))[0];
const device = String(worst?.device_id ?? 'device_1');
await display(panelDeviceHealth(await rowsOf('device_health', parseFilters({ range: 'all', device }))));

// ## 5. The server and the export
//
// From a terminal, with this notebook's data directory:
//
// ```sh
// LAMBDA_IOT_DATA_DIR=data/notebooks/05-dashboards npx lambda-iot dashboard            # http://127.0.0.1:8080/
// LAMBDA_IOT_DATA_DIR=data/notebooks/05-dashboards npx lambda-iot dashboard --export out --png
// ```
//
// The server serves vega and vega-lite from the kit's node_modules and nothing from another host. The export is
// one HTML file with the scripts and these rows inlined: it opens from `file://` on a machine with no network.
// Every panel and the question it answers:

displayTable(
  PANELS.map((p) => ({ panel: p.name, page: p.page, question: p.question })),
  { title: 'panels' },
);
displayTable(summary.dashboard.panels, { title: `static export ${summary.dashboard.html}` });

// ## Exercises
//
// Each exercise has a task, a hint and a check. Write your answer in the cell that says `undefined` and run it,
// then run the check below it: it prints `✓` when the answer is right, and `not yet: …` with what to look at
// otherwise (an unanswered exercise never stops a "Run All"). The solutions are in `notebooks/solutions/05-dashboards.ts`;
// the notebook's last cell (hidden) checks them on this notebook's data.

import {
  checkCostliestPriority,
  checkDeviceDayFilters,
  type Filters,
  showCheck,
  showSolutionChecks,
} from '../../src/index.js';

const priorityRows = await rowsOf('maintenance_priority');

// ### Exercise 1 · Where does the money go?
//
// In the maintenance-priority panel's rows (`priorityRows`, the last 7 days), which priority has the highest
// estimated cost? Answer with the priority, e.g. `'P1'`.
//
// *Hint:* the pie's slices count schedules; the cost is the `total_cost` column (and the tooltip).

const costliest: string | undefined = undefined; // your answer, e.g. 'P1'

showCheck(checkCostliestPriority(costliest, { rows: priorityRows }));

// ### Exercise 2 · A device's last day
//
// Build the filters a dashboard URL would carry for the last 24 hours of the device of step 4 (`device`). The check
// prints the bound values every panel's SQL would then get.
//
// *Hint:* `parseFilters` (step 2) takes the URL's parameters as an object: `range` and `device`.

const lastDay: Filters | undefined = undefined; // your answer: parseFilters({ … })

showCheck(checkDeviceDayFilters(lastDay, { device: device, newest: range.newest }));

// The shipped solutions (notebooks/solutions/05-dashboards.ts), checked on this notebook's data.
import * as solutions05 from '../../notebooks/solutions/05-dashboards.js';

showSolutionChecks([
  checkCostliestPriority(solutions05.costliestPriority(priorityRows), { rows: priorityRows }),
  checkDeviceDayFilters(solutions05.deviceDayFilters(device), { device: device, newest: range.newest }),
]);

await handle.close();
await stack.close();
