import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { benchDashboard, type DashboardBench } from './dashboard.js';
import { benchFreshness } from './freshness.js';
import { benchGold, goldTable } from './gold.js';
import { benchGoldIncremental, benchGoldScale, incrementalTable, scaleTable } from './goldScaling.js';
import { benchLanding, type LandingRow } from './landing.js';
import { benchLogThroughput, type ThroughputRow } from './logThroughput.js';
import { benchModel, type ModelBench } from './model.js';
import { benchServing, type ServingBench } from './serving.js';
import { benchSpeedLayer, type SpeedRow } from './speedLayer.js';

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}×`;

function table(rows: ThroughputRow[]): string {
  const embedded = rows.find((r) => r.adapter === 'embedded log')!;
  const lines = [
    '| log | messages | produce msg/s | consume msg/s | embedded ÷ this (produce) | embedded ÷ this (consume) |',
    '|---|---:|---:|---:|---:|---:|',
    ...rows.map(
      (r) =>
        `| ${r.adapter} | ${fmt(r.messages)} | ${fmt(r.producePerSecond)} | ${fmt(r.consumePerSecond)} | ${ratio(embedded.producePerSecond, r.producePerSecond)} | ${ratio(embedded.consumePerSecond, r.consumePerSecond)} |`,
    ),
  ];
  return lines.join('\n');
}

function speedTable(rows: SpeedRow[]): string {
  return [
    '| log | readings | bare loop readings/s | speed layer readings/s | speed layer ÷ bare loop | anomalies |',
    '|---|---:|---:|---:|---:|---:|',
    ...rows.map(
      (r) =>
        `| ${r.adapter} | ${fmt(r.readings)} | ${fmt(r.bareLoopPerSecond)} | ${fmt(r.processorPerSecond)} | ${((100 * r.processorPerSecond) / r.bareLoopPerSecond).toFixed(0)} % | ${fmt(r.anomalies)} |`,
    ),
  ].join('\n');
}

function landingTable(r: LandingRow): string {
  return [
    '| readings | landing sink rows/s (files) | bare loop → DuckDB COPY, one file, rows/s | sink ÷ bare COPY | DuckDB read_json → COPY rows/s (no log) |',
    '|---:|---:|---:|---:|---:|',
    `| ${fmt(r.rows)} | ${fmt(r.sinkRowsPerSecond)} (${r.sinkFiles}) | ${fmt(r.copyRowsPerSecond)} | ${((100 * r.sinkRowsPerSecond) / r.copyRowsPerSecond).toFixed(0)} % | ${fmt(r.readJsonRowsPerSecond)} |`,
  ].join('\n');
}

function modelTable(r: ModelBench): string {
  const rate = (n: number, s: number) => fmt(n / s);
  return [
    '| readings | device-days | step | seconds | device-days/s |',
    '|---:|---:|---|---:|---:|',
    `| ${fmt(r.readings)} | ${fmt(r.deviceDays)} | features and labels (silver, Gold, failure_features, failure_labels in DuckDB) | ${r.featureSeconds.toFixed(1)} | ${rate(r.deviceDays, r.featureSeconds)} |`,
    `| ${fmt(r.readings)} | ${fmt(r.labelled)} labelled | training (7 penalties, selection, threshold) | ${r.trainSeconds.toFixed(2)} | ${rate(r.labelled, r.trainSeconds)} |`,
    `| ${fmt(r.readings)} | ${fmt(r.deviceDays)} | scoring in DuckDB (failure_model_scores) | ${r.scoreSeconds.toFixed(3)} | ${rate(r.deviceDays, r.scoreSeconds)} |`,
  ].join('\n');
}

function servingTable(r: ServingBench): string {
  const ms = (n: number) => n.toFixed(1);
  const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)]!;
  return [
    `${fmt(r.devices)} devices × ${fmt(r.days)} days: ${fmt(r.goldRows)} Gold rows, ${fmt(r.anomalies)} anomalies (synthesized, seeded)`,
    '',
    '| query | materialized p50 / p95 ms | on the fly p50 / p95 ms |',
    '|---|---:|---:|',
    ...r.queries.map(
      (q) =>
        `| ${q.query} | ${ms(q.materialized.p50)} / ${ms(q.materialized.p95)} | ${ms(q.onTheFly.p50)} / ${ms(q.onTheFly.p95)} |`,
    ),
    '',
    `refresh after one new hour of anomalies (${fmt(r.refresh.newAnomaliesPerHour)} rows): incremental ${r.refresh.incrementalMs.map(ms).join(', ')} ms; ` +
      `full ${r.refresh.fullMs.map(ms).join(', ')} ms; full ÷ incremental (medians) ${(median(r.refresh.fullMs) / median(r.refresh.incrementalMs)).toFixed(1)}×`,
  ].join('\n');
}

function dashboardTable(r: DashboardBench): string {
  const ms = (n: number) => n.toFixed(0);
  return [
    `${fmt(r.devices)} devices × ${fmt(r.days)} days (the serving bench data), range last 7 days, ${r.repeats} repeats per panel, Chromium`,
    '',
    '| panel | rows | request → JSON p50 / p95 ms | request → rendered p50 / p95 ms | JSON ÷ rendered (p50) |',
    '|---|---:|---:|---:|---:|',
    ...r.panels.map(
      (p) =>
        `| ${p.panel} | ${fmt(p.rows)} | ${ms(p.request.p50)} / ${ms(p.request.p95)} | ${ms(p.rendered.p50)} / ${ms(p.rendered.p95)} | ${((100 * p.request.p50) / p.rendered.p50).toFixed(0)} % |`,
    ),
  ].join('\n');
}

const only = process.argv[2];
const messages = Number(process.env.BENCH_MESSAGES ?? 50_000);
const sections: string[] = [];
if (!only || only === 'log') {
  process.stderr.write(`log throughput: ${messages} telemetry messages per adapter…\n`);
  sections.push(`### Log throughput\n\n${table(await benchLogThroughput(messages))}`);
}
if (!only || only === 'speed') {
  process.stderr.write('speed layer vs bare consume loop…\n');
  sections.push(`### Speed layer\n\n${speedTable(await benchSpeedLayer())}`);
}
if (!only || only === 'land') {
  process.stderr.write('landing sink vs DuckDB COPY…\n');
  sections.push(`### Landing\n\n${landingTable(await benchLanding())}`);
}
if (!only || only === 'gold') {
  process.stderr.write('gold: kit batch vs a hand-written DuckDB script vs a Polars peer…\n');
  sections.push(
    `### Gold\n\n${goldTable(await benchGold(Number(process.env.BENCH_DEVICES ?? 100), Number(process.env.BENCH_DAYS ?? 70), Number(process.env.BENCH_REPEATS ?? 3)))}`,
  );
}
// The scaling parts take long (a 1,000-device lake, a 365-day history): only when named.
const env = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
if (only === 'gold-scaling' || only === 'gold-scale') {
  process.stderr.write('gold scaling: the kit over 10× the data…\n');
  sections.push(
    `### Gold: 10× the data\n\n${scaleTable(await benchGoldScale(env('BENCH_DEVICES', 100), env('BENCH_SCALE_DEVICES', 1000), env('BENCH_DAYS', 70), env('BENCH_SCALE_REPEATS', 1)))}`,
  );
}
if (only === 'gold-scaling' || only === 'gold-incremental') {
  process.stderr.write('gold scaling: one-day incremental runs after a short and a long history…\n');
  sections.push(
    `### Gold: incremental cost\n\n${incrementalTable(await benchGoldIncremental(env('BENCH_INCR_DEVICES', 100), env('BENCH_INCR_SHORT', 30), env('BENCH_INCR_LONG', 365), env('BENCH_INCR_REPEATS', 3)))}`,
  );
}
if (!only || only === 'model') {
  process.stderr.write('failure model: features, training and scoring on the Gold bench lake…\n');
  sections.push(
    `### Failure model\n\n${modelTable(await benchModel(Number(process.env.BENCH_DEVICES ?? 100), Number(process.env.BENCH_DAYS ?? 70)))}`,
  );
}
if (!only || only === 'serving') {
  process.stderr.write('serving: materialized views vs on the fly; incremental vs full refresh…\n');
  sections.push(
    `### Serving\n\n${servingTable(await benchServing(Number(process.env.BENCH_SERVING_DEVICES ?? 1000), Number(process.env.BENCH_SERVING_DAYS ?? 365)))}`,
  );
}
if (!only || only === 'freshness') {
  process.stderr.write('freshness: live readings → anomaly and device-day row queryable in serving…\n');
  const f = await benchFreshness(
    Number(process.env.BENCH_RATE ?? 1000),
    Number(process.env.BENCH_SECONDS ?? 30),
  );
  sections.push(
    `### Freshness\n\n${fmt(f.ratePerSecond)} readings/s for ${f.seconds} s, speed layer and serving in their own processes: ` +
      `${f.seen}/${f.probes} probe readings queryable (anomaly and device-day row) — p50 ${fmt(f.p50Ms)} ms, p99 ${fmt(f.p99Ms)} ms ` +
      '(from the append to the log; polled every ~100 ms)',
  );
}
if (!only || only === 'dashboard') {
  process.stderr.write('dashboard: request → rendered panel in Chromium…\n');
  sections.push(
    `### Dashboard\n\n${dashboardTable(await benchDashboard(Number(process.env.BENCH_SERVING_DEVICES ?? 1000), Number(process.env.BENCH_SERVING_DAYS ?? 365)))}`,
  );
}
const header = `lambda-iot-kit bench, ${new Date().toISOString().slice(0, 10)}, ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, Node ${process.version}`;
const text = `${header}\n\n${sections.join('\n\n')}\n`;
process.stdout.write(text);
const out = path.resolve(process.env.LAMBDA_IOT_DATA_DIR ?? 'data', 'bench');
fs.mkdirSync(out, { recursive: true });
fs.writeFileSync(path.join(out, 'latest.md'), text);
