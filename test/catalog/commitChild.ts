/**
 * A separate process that commits rows to iot.device_health on main (for the catalog's multi-process tests).
 * argv: dataDir, writer name, barrier directory ('-' for none). With a barrier it reads the branch head,
 * prepares its change, announces itself and waits until two writers are ready, then commits; on a
 * conflict it reads the branch again, redoes the change and commits once more. Prints one JSON line.
 */
import fs from 'node:fs';
import path from 'node:path';
import { MAIN_BRANCH } from '../../src/catalog/port.js';
import { loadConfig } from '../../src/config/config.js';
import { CatalogConflictError } from '../../src/errors.js';
import { writeTableData } from '../../src/iceberg/tableWriter.js';
import { openObjectStore } from '../../src/store/openObjectStore.js';
import { catalogFixture, HEALTH, healthRows } from './fixture.js';

const [dataDir, writer, barrier] = process.argv.slice(2) as [string, string, string];
const store = await openObjectStore(loadConfig({ LAMBDA_IOT_DATA_DIR: dataDir }));
const f = await catalogFixture(store, dataDir);

async function attempt(waitAtBarrier: boolean) {
  const head = await f.catalog.getBranch(MAIN_BRANCH);
  const loaded = await f.catalog.loadTable(head.hash, HEALTH.name);
  const sql = healthRows([[writer, '2025-04-01', 1, [], writer]]);
  const { change } = await writeTableData(f.ctx, loaded, { sql }, { mode: 'append' });
  if (waitAtBarrier && barrier !== '-') {
    fs.writeFileSync(path.join(barrier, writer), '');
    const deadline = Date.now() + 30_000;
    while (fs.readdirSync(barrier).length < 2 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 10));
  }
  return f.catalog.commit({
    branch: MAIN_BRANCH,
    expectedHash: head.hash,
    message: `write ${writer}`,
    changes: [change],
  });
}

let conflict: string | null = null;
try {
  await attempt(true);
} catch (error) {
  if (!(error instanceof CatalogConflictError)) throw error;
  conflict = error.message;
  await attempt(false);
}
process.stdout.write(`${JSON.stringify({ writer, conflict })}\n`);
await f.close();
await store.close();
