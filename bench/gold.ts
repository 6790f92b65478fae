import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { writeSimulatedLake } from '../src/pipeline/simulatedLake.js';

export interface GoldRow {
  readings: number;
  devices: number;
  days: number;
  kit: { seconds: number; peakRssMb: number };
  script: { seconds: number; peakRssMb: number };
}

function runSide(
  side: 'kit' | 'script',
  dir: string,
): { seconds: number; peakRssMb: number; rows: Record<string, number> } {
  const child = spawnSync(
    process.execPath,
    ['--import', 'tsx', path.join('bench', 'goldChild.ts'), side, dir],
    {
      encoding: 'utf8',
      maxBuffer: 1 << 24,
    },
  );
  if (child.status !== 0) throw new Error(`gold bench ${side} failed: ${child.stderr.slice(-2000)}`);
  return JSON.parse(child.stdout.trim().split('\n').at(-1)!);
}

/**
 * Gold for about 10 million readings (100 devices × 70 days, generated once under data/bench/): the kit's
 * batch run (models, Iceberg writes on a branch, audits, publish, quality report) against one hand-written
 * DuckDB script producing the same three tables from the same Parquet, each in its own process; seconds,
 * peak RSS, ratio. Both must produce the same row counts.
 */
export async function benchGold(devices = 100, days = 70): Promise<GoldRow> {
  const dir = path.resolve(process.env.LAMBDA_IOT_DATA_DIR ?? 'data', 'bench', `gold-${devices}x${days}`);
  const { readings } = await writeSimulatedLake({
    dir,
    devices,
    days,
    onDay: (date, n) => process.stderr.write(`\rgenerating ${date} (${n.toLocaleString('en-US')} readings)`),
  });
  process.stderr.write('\n');
  const script = runSide('script', dir);
  const kit = runSide('kit', dir);
  const same =
    kit.rows.gold_device_health === script.rows.health &&
    kit.rows.gold_failure_predictions === script.rows.predictions &&
    kit.rows.gold_maintenance_schedule === script.rows.schedule;
  if (!same)
    throw new Error(
      `kit and script disagree on rows: ${JSON.stringify({ kit: kit.rows, script: script.rows })}`,
    );
  return { readings, devices, days, kit, script };
}
