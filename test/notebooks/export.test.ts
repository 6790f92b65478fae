import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderNotebookScript, rewriteSrcImports, scriptPathFor } from '../../src/kernel/exportNotebook.js';
import { findTslabTraps } from '../../src/kernel/findTslabTraps.js';
import { checkNotebooks, listNotebooks } from '../../src/kernel/notebookChecks.js';
import {
  findCellFailures,
  findCommittedOutputs,
  hasImageOutput,
  type Notebook,
  readNotebook,
} from '../../src/kernel/notebookFile.js';
import { findProjectRoot } from '../../src/util/projectRoot.js';

const root = findProjectRoot();

function makeNotebook(cells: Notebook['cells']): Notebook {
  return { cells, metadata: { kernelspec: { name: 'lambda-iot-kit' } }, nbformat: 4, nbformat_minor: 5 };
}

describe('committed notebooks', () => {
  it('exist, and carry no outputs and no execution counts', () => {
    const notebooks = listNotebooks(root);
    expect(notebooks).toContain('notebooks/01-ingestion.ipynb');
    expect(notebooks).toContain('notebooks/02-speed-layer-and-rule-tuning.ipynb');
    for (const notebookPath of notebooks) {
      expect(findCommittedOutputs(readNotebook(path.join(root, notebookPath))), notebookPath).toEqual([]);
    }
  });

  it('have up-to-date exported scripts in notebooks/scripts (else: npm run notebooks:export)', () => {
    expect(checkNotebooks(root)).toEqual([]);
  });
});

describe('renderNotebookScript', () => {
  it('concatenates code cells, turns markdown into comments and rewrites ./src imports for the script', () => {
    const notebook = makeNotebook([
      { cell_type: 'markdown', source: ['# Title\n', '\n', 'Some *text*.'] },
      {
        cell_type: 'code',
        source: "import { loadConfig } from './src/index';\nconst config = loadConfig();\n",
      },
      { cell_type: 'code', source: '' },
      { cell_type: 'raw', source: 'ignored' },
      { cell_type: 'code', source: ['console.log(config.dataDir);'] },
    ]);
    const script = renderNotebookScript(notebook, {
      notebookPath: 'notebooks/09-x.ipynb',
      scriptPath: 'notebooks/scripts/09-x.ts',
    });
    expect(script).toContain('// Generated from notebooks/09-x.ipynb');
    expect(script).toContain('// # Title\n//\n// Some *text*.\n\n');
    expect(script).toContain(
      "import { loadConfig } from '../../src/index.js';\nconst config = loadConfig();\n\n",
    );
    expect(script).toContain('console.log(config.dataDir);\n');
    expect(script).not.toContain('ignored');
  });

  it('rewrites every form of ./src specifier and leaves other imports alone', () => {
    const at = 'notebooks/scripts/01-a.ts';
    expect(rewriteSrcImports("import { a } from './src/index';", at)).toBe(
      "import { a } from '../../src/index.js';",
    );
    expect(rewriteSrcImports('import * as v from "./src/viz/index.js";', at)).toBe(
      'import * as v from "../../src/viz/index.js";',
    );
    expect(rewriteSrcImports("const m = await import('./src/index');", at)).toBe(
      "const m = await import('../../src/index.js');",
    );
    expect(rewriteSrcImports("import './src/setup.ts';", at)).toBe("import '../../src/setup.js';");
    expect(rewriteSrcImports("import fs from 'node:fs';", at)).toBe("import fs from 'node:fs';");
    expect(rewriteSrcImports("import * as s from './notebooks/solutions/01-ingestion';", at)).toBe(
      "import * as s from '../../notebooks/solutions/01-ingestion.js';",
    );
    expect(scriptPathFor('notebooks/01-ingestion.ipynb')).toBe('notebooks/scripts/01-ingestion.ts');
  });
});

describe('executed notebook checks', () => {
  it('finds failed cells from tslab stderr output or error outputs, and image outputs', () => {
    const executed = makeNotebook([
      {
        cell_type: 'code',
        source: 'const a = 1;',
        outputs: [{ output_type: 'stream', name: 'stdout', text: 'ok\n' }],
      },
      {
        cell_type: 'code',
        source: '\nconsole.log(b);',
        outputs: [{ output_type: 'stream', name: 'stderr', text: ['1:13 - Cannot find name ', "'b'.\n"] }],
      },
      {
        cell_type: 'code',
        source: 'throw x',
        outputs: [{ output_type: 'error', ename: 'ReferenceError', evalue: 'x' }],
      },
      {
        cell_type: 'code',
        source: 'await display(chartDeviceTimeline(input));',
        outputs: [{ output_type: 'display_data', data: { 'image/svg+xml': '<svg/>' } }],
      },
    ]);
    expect(findCellFailures(executed)).toEqual([
      { cell: 2, firstLine: 'console.log(b);', message: "1:13 - Cannot find name 'b'." },
      { cell: 3, firstLine: 'throw x', message: 'ReferenceError: x' },
    ]);
    expect(hasImageOutput(executed)).toBe(true);
    expect(hasImageOutput(executed, { cellContains: 'chartDeviceTimeline' })).toBe(true);
    expect(hasImageOutput(executed, { cellContains: 'chartMessagesPerPartition' })).toBe(false);
    expect(findCommittedOutputs(executed)).toEqual([
      'cell 1 has outputs',
      'cell 2 has outputs',
      'cell 3 has outputs',
      'cell 4 has outputs',
    ]);
  });
});

describe('findTslabTraps', () => {
  it('flags shorthand properties that name an earlier cell’s variable or import, not this cell’s own', () => {
    const notebook = makeNotebook([
      {
        cell_type: 'code',
        source: "import { loadConfig } from './src/index';\nconst config = loadConfig();",
      },
      { cell_type: 'markdown', source: '{ config }' },
      { cell_type: 'code', source: 'const a = { config };\nconst b = { config: config, loadConfig };' },
      {
        cell_type: 'code',
        source: 'const config = 1;\nconst c = { config };\nconst { x, y: [z] } = { x: 1, y: [2] };',
      },
      { cell_type: 'code', source: 'const d = { x, z };' },
    ]);
    expect(findTslabTraps(notebook)).toEqual([
      'cell 3 line 1: { config } names a variable of an earlier cell, which tslab loses; write config: config',
      'cell 3 line 2: { loadConfig } names a variable of an earlier cell, which tslab loses; write loadConfig: loadConfig',
      'cell 5 line 1: { x } names a variable of an earlier cell, which tslab loses; write x: x',
      'cell 5 line 1: { z } names a variable of an earlier cell, which tslab loses; write z: z',
    ]);
  });
});
