import fs from 'node:fs';
import path from 'node:path';
import { exportNotebookScript, scriptPathFor } from './exportNotebook.js';
import { findTslabTraps } from './findTslabTraps.js';
import { KERNEL_NAME } from './kernelSpec.js';
import { findCommittedOutputs, readNotebook } from './notebookFile.js';

/**
 * The notebooks of the kit: notebooks/*.ipynb, as paths relative to the root, sorted.
 * @example listNotebooks(findProjectRoot()); // ['notebooks/01-ingestion.ipynb', …]
 */
export function listNotebooks(root: string): string[] {
  const dir = path.join(root, 'notebooks');
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.ipynb'))
    .sort()
    .map((f) => `notebooks/${f}`);
}

const read = (file: string) => (fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : undefined);

/**
 * What is wrong with the committed notebooks: outputs or execution counts, a kernel other than
 * lambda-iot-kit, code tslab runs wrongly (findTslabTraps), exported scripts that are missing, stale, or
 * have no notebook. Empty when all is well.
 * @example checkNotebooks(findProjectRoot()); // []
 */
export function checkNotebooks(root: string): string[] {
  const problems: string[] = [];
  const notebooks = listNotebooks(root);
  for (const notebookPath of notebooks) {
    const notebook = readNotebook(path.join(root, notebookPath));
    for (const p of findCommittedOutputs(notebook))
      problems.push(`${notebookPath}: ${p} (clear outputs before committing)`);
    for (const p of findTslabTraps(notebook)) problems.push(`${notebookPath}: ${p}`);
    const kernel = (notebook.metadata.kernelspec as { name?: string } | undefined)?.name;
    if (kernel !== KERNEL_NAME)
      problems.push(`${notebookPath}: kernel is ${kernel ?? '(none)'}, expected ${KERNEL_NAME}`);
    const scriptPath = scriptPathFor(notebookPath);
    const expected = exportNotebookScript(notebook, { notebookPath, scriptPath }, root);
    const actual = read(path.join(root, scriptPath));
    if (actual === undefined) problems.push(`${scriptPath}: missing (run npm run notebooks:export)`);
    else if (actual !== expected)
      problems.push(`${scriptPath}: stale, differs from ${notebookPath} (run npm run notebooks:export)`);
  }
  const scriptsDir = path.join(root, 'notebooks', 'scripts');
  const expectedScripts = new Set(notebooks.map(scriptPathFor));
  for (const f of fs.existsSync(scriptsDir) ? fs.readdirSync(scriptsDir) : []) {
    if (f.endsWith('.ts') && !expectedScripts.has(`notebooks/scripts/${f}`))
      problems.push(`notebooks/scripts/${f}: no notebook exports it (delete it or add its notebook)`);
  }
  return problems;
}

/**
 * Regenerates notebooks/scripts/ from the notebooks; returns the scripts it changed.
 * @example exportNotebooks(findProjectRoot()); // ['notebooks/scripts/01-ingestion.ts']
 */
export function exportNotebooks(root: string): string[] {
  const changed: string[] = [];
  for (const notebookPath of listNotebooks(root)) {
    const scriptPath = scriptPathFor(notebookPath);
    const text = exportNotebookScript(
      readNotebook(path.join(root, notebookPath)),
      { notebookPath, scriptPath },
      root,
    );
    const file = path.join(root, scriptPath);
    if (read(file) === text) continue;
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text);
    changed.push(scriptPath);
  }
  return changed;
}
