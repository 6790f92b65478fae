import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { writeSimulatedLake } from '../src/pipeline/simulatedLake.js';
import { type AgreementReport, formatAgreement } from './goldAgreement.js';
import { type GoldSideName, goldAgreement } from './goldSides.js';

/** One measured run of a side in its own process. */
export interface SideRun {
  seconds: number;
  peakRssMb: number;
  rows: Record<string, number>;
  output: string;
}

/** Median and spread (min–max) of the runs. */
export interface Spread {
  median: number;
  min: number;
  max: number;
}

export interface SideStats {
  runs: SideRun[];
  seconds: Spread;
  peakRssMb: Spread;
}

export interface GoldRow {
  readings: number;
  devices: number;
  days: number;
  repeats: number;
  sides: Record<GoldSideName, SideStats>;
  agreement: AgreementReport;
}

export const spread = (values: number[]): Spread => {
  const sorted = [...values].sort((a, b) => a - b);
  return { median: sorted[Math.floor(sorted.length / 2)]!, min: sorted[0]!, max: sorted.at(-1)! };
};

/** Runs one side (goldChild.ts) in its own process. */
export function runSide(args: string[]): SideRun {
  const child = spawnSync(
    process.execPath,
    ['--import', 'tsx', path.join('bench', 'goldChild.ts'), ...args],
    {
      encoding: 'utf8',
      maxBuffer: 1 << 24,
      // The reference score (the failure model, issue 20, is not part of the comparison).
      env: { ...process.env, LAMBDA_IOT_RISK_SCORE: 'reference' },
    },
  );
  if (child.status !== 0)
    throw new Error(`gold bench ${args.join(' ')} failed: ${child.stderr.slice(-2000)}`);
  return JSON.parse(child.stdout.trim().split('\n').at(-1)!);
}

export const statsOf = (runs: SideRun[]): SideStats => ({
  runs,
  seconds: spread(runs.map((r) => r.seconds)),
  peakRssMb: spread(runs.map((r) => r.peakRssMb)),
});

/** The bench lake of `devices` × `days` under data/bench/, generated once. */
export async function benchLake(devices: number, days: number): Promise<{ dir: string; readings: number }> {
  const dir = path.resolve(process.env.LAMBDA_IOT_DATA_DIR ?? 'data', 'bench', `gold-${devices}x${days}`);
  const { readings } = await writeSimulatedLake({
    dir,
    devices,
    days,
    onDay: (date, n) => process.stderr.write(`\rgenerating ${date} (${n.toLocaleString('en-US')} readings)`),
  });
  process.stderr.write('\n');
  return { dir, readings };
}

const ORDER: GoldSideName[] = ['kit', 'script', 'polars'];

/**
 * Gold for about 10 million readings (100 devices × 70 days, generated once under data/bench/): the kit's
 * full batch run (models, Iceberg writes on a branch, audits, publish, quality report), the hand-written
 * DuckDB script and the Polars peer, each in its own process, in alternating order, `repeats` times; then
 * the value agreement of the three outputs (every column, see goldAgreement.ts).
 */
export async function benchGold(devices = 100, days = 70, repeats = 3): Promise<GoldRow> {
  const { dir, readings } = await benchLake(devices, days);
  const runs: Record<GoldSideName, SideRun[]> = { kit: [], script: [], polars: [] };
  for (let r = 0; r < repeats; r++) {
    for (let i = 0; i < ORDER.length; i++) {
      const side = ORDER[(i + r) % ORDER.length]!;
      process.stderr.write(`gold: run ${r + 1}/${repeats}: ${side}…\n`);
      runs[side].push(runSide([side, dir]));
    }
  }
  const last = (side: GoldSideName) => runs[side].at(-1)!.output;
  const agreement = await goldAgreement(dir, {
    kit: last('kit'),
    script: last('script'),
    polars: last('polars'),
  });
  for (const run of runs.kit) fs.rmSync(run.output, { force: true });
  return {
    readings,
    devices,
    days,
    repeats,
    sides: { kit: statsOf(runs.kit), script: statsOf(runs.script), polars: statsOf(runs.polars) },
    agreement,
  };
}

const LABEL: Record<GoldSideName, string> = {
  kit: 'kit batch --full (models, Iceberg on a branch, audits, publish, quality)',
  script: 'hand-written DuckDB script',
  polars: 'Polars peer (nodejs-polars, lazy)',
};

export const formatSpread = (s: Spread, digits: number) =>
  `${s.median.toFixed(digits)} (${s.min.toFixed(digits)}–${s.max.toFixed(digits)})`;

/** The three-way table, the kit ÷ faster peer ratios and the agreement report. */
export function goldTable(r: GoldRow): string {
  const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
  const faster = r.sides.script.seconds.median <= r.sides.polars.seconds.median ? 'script' : 'polars';
  const kit = r.sides.kit;
  const peer = r.sides[faster];
  const ratio = (pick: (s: SideRun) => number) => {
    const k = kit.runs.map(pick);
    const p = peer.runs.map(pick);
    return spread(k.flatMap((a) => p.map((b) => a / b)));
  };
  const time = ratio((s) => s.seconds);
  const rss = ratio((s) => s.peakRssMb);
  return [
    `${fmt(r.readings)} readings (${r.devices} devices × ${r.days} days), each side in its own process, alternating, ${r.repeats} runs: median (min–max)`,
    '',
    '| side | seconds | peak RSS MB |',
    '|---|---:|---:|',
    ...ORDER.map(
      (s) =>
        `| ${LABEL[s]} | ${formatSpread(r.sides[s].seconds, 1)} | ${formatSpread(r.sides[s].peakRssMb, 0)} |`,
    ),
    '',
    `kit ÷ faster peer (${faster}): ${(kit.seconds.median / peer.seconds.median).toFixed(2)}× the time (medians; pairs ${time.min.toFixed(2)}–${time.max.toFixed(2)}×), ` +
      `${(kit.peakRssMb.median / peer.peakRssMb.median).toFixed(2)}× the peak RSS (pairs ${rss.min.toFixed(2)}–${rss.max.toFixed(2)}×); target ≤ 0.5× the time, ≤ 600 MB at 10 M readings`,
    '',
    formatAgreement(r.agreement),
  ].join('\n');
}
