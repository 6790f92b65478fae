/**
 * A separate process that produces one history simulation into the embedded log of a data directory (for
 * the simulate lock test). argv: dataDir, name, barrier directory. It announces itself in the barrier
 * directory and waits until two processes are ready, then calls simulateToLog; prints one JSON line
 * { name, action, produced, waited }.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describeLogTarget, openLog } from '../../src/bus/openLog.js';
import { loadConfig } from '../../src/config/config.js';
import { historySimulation } from '../../src/ingest/index.js';
import { simulateToLog } from '../../src/pipeline/simulateToLog.js';

const [dataDir, name, barrier] = process.argv.slice(2) as [string, string, string];
const config = loadConfig({ LAMBDA_IOT_DATA_DIR: dataDir, LAMBDA_IOT_BUS: 'embedded' });
const log = await openLog(config);
const simulation = historySimulation({ devices: 3, days: 1, seed: 11 });

fs.writeFileSync(path.join(barrier, name), '');
const deadline = Date.now() + 30_000;
while (fs.readdirSync(barrier).length < 2 && Date.now() < deadline)
  await new Promise((r) => setTimeout(r, 5));

let waited = false;
const result = await simulateToLog({
  log,
  config,
  simulation,
  logTarget: describeLogTarget(config),
  batchSize: 500,
  onWait: () => {
    waited = true;
  },
});
process.stdout.write(
  `${JSON.stringify({ name, action: result.action, produced: result.manifest.produced, waited })}\n`,
);
await log.close();
