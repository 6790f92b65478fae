/**
 * `npm run notebooks:check`: fails when a committed notebook has outputs or execution counts, does not
 * use the lambda-iot-kit kernel, or when notebooks/scripts/ is not what `npm run notebooks:export` makes.
 */
import { checkNotebooks, listNotebooks } from '../src/kernel/notebookChecks.js';
import { findProjectRoot } from '../src/util/projectRoot.js';

const root = findProjectRoot();
const problems = checkNotebooks(root);
if (problems.length > 0) {
  console.error(problems.map((p) => `✗ ${p}`).join('\n'));
  process.exit(1);
}
console.log(`✓ ${listNotebooks(root).length} notebook(s): no outputs, exported scripts up to date`);
