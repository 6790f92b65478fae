/**
 * One side of the Gold benchmark in its own process (so peak RSS is that side's alone).
 * argv: kit|script|polars, the bench data directory; or kit-incremental, the data directory and the name
 * of its catalog. Prints one JSON line: seconds, peak RSS, rows per table, and where the output is (the
 * kit's catalog file, a peer's folder) for the value agreement.
 */
import { type GoldSideName, runKitIncremental, SIDES } from './goldSides.js';

const [side, dataDir, catalogName] = process.argv.slice(2) as [
  GoldSideName | 'kit-incremental',
  string,
  string?,
];
const run =
  side === 'kit-incremental'
    ? (dir: string) => runKitIncremental(dir, catalogName ?? 'history')
    : SIDES[side];
if (run === undefined || dataDir === undefined)
  throw new Error(
    'usage: goldChild.ts kit|script|polars <data dir> | kit-incremental <data dir> <catalog name>',
  );
const started = performance.now();
const { output, rows } = await run(dataDir);
const seconds = (performance.now() - started) / 1000;
process.stdout.write(
  `${JSON.stringify({ side, seconds, peakRssMb: process.resourceUsage().maxRSS / 1024, rows, output })}\n`,
);
