/**
 * Child process of the crash test: puts one object into a local store. Run with
 * LAMBDA_IOT_TEST_CRASH_AT=store:before-rename it SIGKILLs itself after the temporary file was written
 * and fsynced, before the rename.
 * Usage: node --import tsx test/lake/putChild.ts <root> <key> <text>
 */
import { openLocalStore } from '../../src/store/localStore.js';

const [root, key, text] = process.argv.slice(2);
openLocalStore(root!)
  .put(key!, Buffer.from(text!))
  .then(() => process.stdout.write('stored\n'));
