/**
 * How the kit's Gold scales (the kit alone, each run in its own process): 10× the data (1,000 devices × 70
 * days against 100 × 70) — time and peak RSS ratios; and the cost of a one-day incremental run after a short
 * and a long history (100 devices, 30 and 365 days, each built by daily incremental runs, one commit per
 * day) — time ratio. Lakes and histories are generated once under data/bench/ and reused.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { runBatch } from '../src/batch/runBatch.js';
import { EmbeddedCatalog } from '../src/catalog/embeddedCatalog.js';
import { loadConfig } from '../src/config/config.js';
import { writeSimulatedLake } from '../src/pipeline/simulatedLake.js';
import { openObjectStore } from '../src/store/openObjectStore.js';
import { benchLake, formatSpread, runSide, type SideStats, spread, statsOf } from './gold.js';

const benchDir = () => path.resolve(process.env.LAMBDA_IOT_DATA_DIR ?? 'data', 'bench');
const progress = (text: string) => process.stderr.write(`${text}\n`);

export interface ScaleRow {
  base: { devices: number; days: number; readings: number; kit: SideStats };
  big: { devices: number; days: number; readings: number; kit: SideStats };
}

/** The kit's full run over `devices` × `days` and over `bigDevices` × `days`, alternating, `repeats` times each. */
export async function benchGoldScale(
  devices = 100,
  bigDevices = 1000,
  days = 70,
  repeats = 1,
): Promise<ScaleRow> {
  const base = await benchLake(devices, days);
  const big = await benchLake(bigDevices, days);
  const runs: { base: ReturnType<typeof runSide>[]; big: ReturnType<typeof runSide>[] } = {
    base: [],
    big: [],
  };
  for (let r = 0; r < repeats; r++) {
    for (const which of r % 2 === 0 ? (['base', 'big'] as const) : (['big', 'base'] as const)) {
      progress(
        `gold scaling: run ${r + 1}/${repeats}: kit over ${which === 'base' ? devices : bigDevices} devices…`,
      );
      const run = runSide(['kit', which === 'base' ? base.dir : big.dir]);
      fs.rmSync(run.output, { force: true });
      runs[which].push(run);
    }
  }
  return {
    base: { devices, days, readings: base.readings, kit: statsOf(runs.base) },
    big: { devices: bigDevices, days, readings: big.readings, kit: statsOf(runs.big) },
  };
}

export interface IncrementalRow {
  devices: number;
  short: { days: number; kit: SideStats };
  long: { days: number; kit: SideStats };
}

/** The source plant: `days` days of `devices` devices, from which histories take their first days. */
async function sourceLake(devices: number, days: number): Promise<{ dir: string; dates: string[] }> {
  const dir = path.join(benchDir(), `incr-source-${devices}x${days}`);
  await writeSimulatedLake({
    dir,
    devices,
    days,
    onDay: (date, n) => process.stderr.write(`\rgenerating ${date} (${n.toLocaleString('en-US')} readings)`),
  });
  process.stderr.write('\n');
  const dates = fs
    .readdirSync(path.join(dir, 'lake', 'raw', 'telemetry'))
    .filter((d) => d.startsWith('date='))
    .map((d) => d.slice('date='.length))
    .sort();
  return { dir, dates };
}

/** Copies one day's raw files (telemetry and events) of the source plant into a data directory's lake. */
function copyDay(source: string, target: string, date: string): void {
  for (const kind of ['telemetry', 'events']) {
    const from = path.join(source, 'lake', 'raw', kind, `date=${date}`);
    if (fs.existsSync(from))
      fs.cpSync(from, path.join(target, 'lake', 'raw', kind, `date=${date}`), { recursive: true });
  }
}

/**
 * A data directory whose catalog (`catalog/history.sqlite`) holds `days` daily incremental runs over the
 * source's first `days` days, one publish per day; built once (history.json marks it done).
 */
async function history(
  source: { dir: string; dates: string[] },
  devices: number,
  days: number,
): Promise<string> {
  const dir = path.join(benchDir(), `incr-${devices}x${days}`);
  const marker = path.join(dir, 'history.json');
  const wanted = JSON.stringify({ source: path.basename(source.dir), devices, days });
  if (fs.existsSync(marker) && fs.readFileSync(marker, 'utf8') === wanted) return dir;
  fs.rmSync(dir, { recursive: true, force: true });
  const config = loadConfig({ LAMBDA_IOT_DATA_DIR: dir });
  const store = await openObjectStore(config);
  const catalog = new EmbeddedCatalog({ file: path.join(dir, 'catalog', 'history.sqlite'), store });
  try {
    for (const date of source.dates.slice(0, days)) {
      copyDay(source.dir, dir, date);
      const result = await runBatch({ config, store, catalog });
      if (!result.published) throw new Error(`history ${dir}: ${date} did not publish: ${result.reason}`);
      process.stderr.write(`\rhistory ${devices}×${days}: ${date} published (${result.elapsedMs} ms)`);
    }
    process.stderr.write('\n');
  } finally {
    await catalog.close();
    await store.close();
  }
  fs.writeFileSync(marker, wanted);
  return dir;
}

/** A throw-away copy of a history (its lake hard-linked: the kit never rewrites a file in place) plus the next day. */
function withNextDay(historyDir: string, source: string, date: string): string {
  const scratch = `${historyDir}-run`;
  fs.rmSync(scratch, { recursive: true, force: true });
  fs.mkdirSync(scratch, { recursive: true });
  for (const entry of fs.readdirSync(historyDir)) {
    if (entry === 'lake')
      execFileSync('cp', ['-al', path.join(historyDir, 'lake'), path.join(scratch, 'lake')]);
    else fs.cpSync(path.join(historyDir, entry), path.join(scratch, entry), { recursive: true });
  }
  copyDay(source, scratch, date);
  return scratch;
}

/**
 * A one-day incremental run after `shortDays` and after `longDays` days of history (each history built by
 * daily incremental runs and cached), each measured `repeats` times in its own process, alternating.
 */
export async function benchGoldIncremental(
  devices = 100,
  shortDays = 30,
  longDays = 365,
  repeats = 3,
): Promise<IncrementalRow> {
  const source = await sourceLake(devices, longDays + 1);
  const dirs = {
    short: await history(source, devices, shortDays),
    long: await history(source, devices, longDays),
  };
  const next = { short: source.dates[shortDays]!, long: source.dates[longDays]! };
  const runs: Record<'short' | 'long', ReturnType<typeof runSide>[]> = { short: [], long: [] };
  for (let r = 0; r < repeats; r++) {
    for (const which of r % 2 === 0 ? (['short', 'long'] as const) : (['long', 'short'] as const)) {
      progress(
        `gold incremental: run ${r + 1}/${repeats}: one day after ${which === 'short' ? shortDays : longDays} days…`,
      );
      const scratch = withNextDay(dirs[which], source.dir, next[which]);
      runs[which].push(runSide(['kit-incremental', scratch, 'history']));
      fs.rmSync(scratch, { recursive: true, force: true });
    }
  }
  return {
    devices,
    short: { days: shortDays, kit: statsOf(runs.short) },
    long: { days: longDays, kit: statsOf(runs.long) },
  };
}

const pairs = (a: SideStats, b: SideStats, pick: (r: SideStats['runs'][number]) => number) =>
  spread(a.runs.flatMap((x) => b.runs.map((y) => pick(x) / pick(y))));

export function scaleTable(r: ScaleRow): string {
  const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
  const time = pairs(r.big.kit, r.base.kit, (s) => s.seconds);
  const rss = pairs(r.big.kit, r.base.kit, (s) => s.peakRssMb);
  return [
    `kit batch --full alone, each run in its own process, ${r.base.kit.runs.length} run(s) each: median (min–max); ` +
      `LAMBDA_IOT_DUCKDB_MEMORY_LIMIT ${process.env.LAMBDA_IOT_DUCKDB_MEMORY_LIMIT ?? "unset (DuckDB's 80 % of RAM)"}`,
    '',
    '| lake | readings | seconds | peak RSS MB |',
    '|---|---:|---:|---:|',
    ...[r.base, r.big].map(
      (s) =>
        `| ${s.devices} devices × ${s.days} days | ${fmt(s.readings)} | ${formatSpread(s.kit.seconds, 1)} | ${formatSpread(s.kit.peakRssMb, 0)} |`,
    ),
    '',
    `${(r.big.readings / r.base.readings).toFixed(1)}× the data: ${(r.big.kit.seconds.median / r.base.kit.seconds.median).toFixed(2)}× the time (pairs ${time.min.toFixed(2)}–${time.max.toFixed(2)}×; target ≤ 11×), ` +
      `${(r.big.kit.peakRssMb.median / r.base.kit.peakRssMb.median).toFixed(2)}× the peak RSS (pairs ${rss.min.toFixed(2)}–${rss.max.toFixed(2)}×; target ≤ 1.5×)`,
  ].join('\n');
}

export function incrementalTable(r: IncrementalRow): string {
  const time = pairs(r.long.kit, r.short.kit, (s) => s.seconds);
  return [
    `kit incremental batch of one new day (${r.devices} devices), after histories built by daily incremental runs (one commit per day), ${r.short.kit.runs.length} run(s) each: median (min–max)`,
    '',
    '| history | seconds | peak RSS MB |',
    '|---|---:|---:|',
    ...[r.short, r.long].map(
      (s) => `| ${s.days} days | ${formatSpread(s.kit.seconds, 2)} | ${formatSpread(s.kit.peakRssMb, 0)} |`,
    ),
    '',
    `${r.long.days} ÷ ${r.short.days} days: ${(r.long.kit.seconds.median / r.short.kit.seconds.median).toFixed(2)}× the time (pairs ${time.min.toFixed(2)}–${time.max.toFixed(2)}×; target ≤ 1.3×)`,
  ].join('\n');
}
