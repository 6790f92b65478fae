import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { KitError } from '../errors.js';
import { cellSource, type Notebook } from './notebookFile.js';

export interface ExportOptions {
  /** The notebook's path relative to the project root, e.g. "notebooks/01-ingestion.ipynb". */
  notebookPath: string;
  /** The script's path relative to the project root, e.g. "notebooks/scripts/01-ingestion.ts". */
  scriptPath: string;
}

/**
 * The exported script's path for a notebook: notebooks/scripts/<name>.ts beside notebooks/<name>.ipynb.
 * @example scriptPathFor('notebooks/01-ingestion.ipynb'); // "notebooks/scripts/01-ingestion.ts"
 */
export function scriptPathFor(notebookPath: string): string {
  const dir = path.posix.dirname(notebookPath.split(path.sep).join('/'));
  return path.posix.join(dir, 'scripts', `${path.posix.basename(notebookPath, '.ipynb')}.ts`);
}

/**
 * Rewrites the notebook's `./src/…` and `./notebooks/…` (solutions) import specifiers (relative to the
 * project root, where the kernel runs) to paths relative to the script, with a .js extension as Node ESM wants.
 * @example rewriteSrcImports("import { x } from './src/index';", 'notebooks/scripts/a.ts'); // "import { x } from '../index.js';"
 */
export function rewriteSrcImports(code: string, scriptPath: string): string {
  const toRoot = path.posix.relative(path.posix.dirname(scriptPath), '.') || '.';
  return code.replace(
    /(\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)(['"])\.\/(src|notebooks)\/([^'"]*)\2/g,
    (_match, lead: string, quote: string, folder: string, rest: string) => {
      const withExtension = /\.(c|m)?[jt]s$/.test(rest) ? rest.replace(/\.ts$/, '.js') : `${rest}.js`;
      return `${lead}${quote}${toRoot}/${folder}/${withExtension}${quote}`;
    },
  );
}

function commentOut(markdown: string): string {
  return markdown
    .trimEnd()
    .split('\n')
    .map((line) => (line.trim() === '' ? '//' : `// ${line}`.trimEnd()))
    .join('\n');
}

/**
 * A notebook as a TypeScript script runnable with `npx tsx <script>`: code cells in order, markdown
 * cells as comments, `./src/…` imports rewritten for the script's location. Not yet formatted.
 * @example renderNotebookScript(readNotebook(file), { notebookPath: 'notebooks/01-ingestion.ipynb', scriptPath: 'notebooks/scripts/01-ingestion.ts' });
 */
export function renderNotebookScript(notebook: Notebook, options: ExportOptions): string {
  const header = [
    `// Generated from ${options.notebookPath} by \`npm run notebooks:export\`: edit the notebook, not this file.`,
    `// Run it from the project root with: npx tsx ${options.scriptPath}`,
    '// Charts are written as PNG files under the data directory (in Jupyter they show inline).',
  ].join('\n');
  const parts = notebook.cells.flatMap((cell) => {
    const source = cellSource(cell);
    if (source.trim() === '') return [];
    if (cell.cell_type === 'markdown') return [commentOut(source)];
    if (cell.cell_type === 'code') return [rewriteSrcImports(source.trimEnd(), options.scriptPath)];
    return [];
  });
  return `${[header, ...parts].join('\n\n')}\n`;
}

/**
 * Formats TypeScript with the project's Biome settings (format, safe fixes, sorted imports), as if the
 * text were the file at `filePath` under `root`.
 * @example formatWithBiome(text, 'notebooks/scripts/01-ingestion.ts', findProjectRoot());
 */
export function formatWithBiome(text: string, filePath: string, root: string): string {
  const biome = path.join(root, 'node_modules', '@biomejs', 'biome', 'bin', 'biome');
  const result = spawnSync(process.execPath, [biome, 'check', '--write', `--stdin-file-path=${filePath}`], {
    cwd: root,
    input: text,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.error || result.status !== 0 || result.stdout === '') {
    throw new KitError(
      `notebook export biome failed for ${filePath}: ${result.error?.message ?? result.stderr}`,
      {
        cause: result.error,
        context: { filePath },
      },
    );
  }
  return result.stdout;
}

/**
 * The exported, formatted script of a notebook (what notebooks/scripts/ must hold).
 * @example exportNotebookScript(readNotebook(file), { notebookPath, scriptPath: scriptPathFor(notebookPath) }, root);
 */
export function exportNotebookScript(notebook: Notebook, options: ExportOptions, root: string): string {
  return formatWithBiome(renderNotebookScript(notebook, options), options.scriptPath, root);
}
