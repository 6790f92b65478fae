/**
 * `npm run notebooks:export`: regenerates notebooks/scripts/<name>.ts from each notebooks/<name>.ipynb
 * (code cells in order, markdown as comments, `./src/index` imports rewritten), formatted with Biome.
 */
import { exportNotebooks, listNotebooks } from '../src/kernel/notebookChecks.js';
import { findProjectRoot } from '../src/util/projectRoot.js';

const root = findProjectRoot();
const changed = exportNotebooks(root);
for (const file of changed) console.log(`wrote ${file}`);
console.log(`${listNotebooks(root).length} notebook(s) exported, ${changed.length} script(s) changed`);
