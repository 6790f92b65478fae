import fs from 'node:fs';
import { InvalidArgumentError } from '../errors.js';

/** A Jupyter notebook cell (nbformat 4); `source` is a string or a list of lines. */
export interface NotebookCell {
  cell_type: 'code' | 'markdown' | 'raw';
  id?: string;
  source: string | string[];
  metadata?: Record<string, unknown>;
  outputs?: NotebookOutput[];
  execution_count?: number | null;
}

/** One output of a code cell. */
export interface NotebookOutput {
  output_type: 'stream' | 'display_data' | 'execute_result' | 'error' | string;
  name?: string;
  text?: string | string[];
  data?: Record<string, unknown>;
  ename?: string;
  evalue?: string;
}

/** A Jupyter notebook (nbformat 4). */
export interface Notebook {
  cells: NotebookCell[];
  metadata: Record<string, unknown>;
  nbformat: number;
  nbformat_minor: number;
}

/**
 * Reads and minimally checks a .ipynb file (nbformat 4).
 * @example const notebook = readNotebook('notebooks/01-ingestion.ipynb');
 */
export function readNotebook(file: string): Notebook {
  let parsed: unknown;
  try {
    parsed = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    throw new InvalidArgumentError(`notebook not readable: ${file}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  const nb = parsed as Notebook;
  if (nb?.nbformat !== 4 || !Array.isArray(nb.cells)) {
    throw new InvalidArgumentError(`notebook not nbformat 4: ${file}`);
  }
  return nb;
}

/**
 * A cell's source as one string.
 * @example cellSource({ cell_type: 'code', source: ['a\n', 'b'] }); // "a\nb"
 */
export function cellSource(cell: NotebookCell): string {
  return Array.isArray(cell.source) ? cell.source.join('') : cell.source;
}

/** An output's text (stream text or text/plain data) as one string. */
export function outputText(output: NotebookOutput): string {
  const text = output.text ?? (output.data?.['text/plain'] as string | string[] | undefined) ?? '';
  return Array.isArray(text) ? text.join('') : text;
}

/**
 * Why a committed notebook is not clean: code cells with outputs or execution counts.
 * @example findCommittedOutputs(readNotebook(file)); // [] when clean
 */
export function findCommittedOutputs(notebook: Notebook): string[] {
  const problems: string[] = [];
  notebook.cells.forEach((cell, index) => {
    if (cell.cell_type !== 'code') return;
    if ((cell.outputs ?? []).length > 0) problems.push(`cell ${index + 1} has outputs`);
    if (cell.execution_count !== null && cell.execution_count !== undefined)
      problems.push(`cell ${index + 1} has an execution count`);
  });
  return problems;
}

/** A cell of an executed notebook that failed: tslab reports errors on stderr, nbclient as error outputs. */
export interface CellFailure {
  /** 1-based cell number. */
  cell: number;
  /** First line of the cell's source. */
  firstLine: string;
  /** What the cell wrote to stderr, or the error name and value. */
  message: string;
}

/**
 * The failed cells of an executed notebook: cells with an error output or any stderr output (tslab
 * prints compile and run-time errors to stderr and records no error output; the kit's notebooks write
 * nothing else there).
 * @example findCellFailures(readNotebook('data/notebooks/executed/01-ingestion.ipynb'));
 */
export function findCellFailures(notebook: Notebook): CellFailure[] {
  const failures: CellFailure[] = [];
  notebook.cells.forEach((cell, index) => {
    if (cell.cell_type !== 'code') return;
    const messages = (cell.outputs ?? []).flatMap((o) => {
      if (o.output_type === 'error') return [`${o.ename ?? 'Error'}: ${o.evalue ?? ''}`];
      if (o.output_type === 'stream' && o.name === 'stderr') return [outputText(o)];
      return [];
    });
    if (messages.length > 0) {
      const firstLine =
        cellSource(cell)
          .split('\n')
          .find((l) => l.trim() !== '') ?? '';
      failures.push({ cell: index + 1, firstLine, message: messages.join('').trimEnd() });
    }
  });
  return failures;
}

/**
 * Whether any output of an executed notebook is an image (SVG or PNG), optionally only in cells whose
 * source contains `cellContains`.
 * @example hasImageOutput(readNotebook(file), { cellContains: 'chartDeviceTimeline' });
 */
export function hasImageOutput(notebook: Notebook, options: { cellContains?: string } = {}): boolean {
  return notebook.cells.some(
    (cell) =>
      cell.cell_type === 'code' &&
      (options.cellContains === undefined || cellSource(cell).includes(options.cellContains)) &&
      (cell.outputs ?? []).some(
        (o) => o.data !== undefined && ('image/svg+xml' in o.data || 'image/png' in o.data),
      ),
  );
}
