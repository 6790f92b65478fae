import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../src/errors.js';
import { findProjectRoot, useNotebookDataDir } from '../../src/index.js';

const root = findProjectRoot();

describe('useNotebookDataDir', () => {
  it('gives a notebook data/notebooks/<name> under the project root unless LAMBDA_IOT_DATA_DIR is set', () => {
    const env: NodeJS.ProcessEnv = {};
    expect(useNotebookDataDir('01-ingestion', env).dataDir).toBe(
      path.join(root, 'data', 'notebooks', '01-ingestion'),
    );
    expect(env.LAMBDA_IOT_DATA_DIR).toBe(path.join(root, 'data', 'notebooks', '01-ingestion'));
    expect(useNotebookDataDir('01-ingestion', { LAMBDA_IOT_DATA_DIR: '/tmp/mine' }).dataDir).toBe(
      '/tmp/mine',
    );
    expect(() => useNotebookDataDir('../etc', {})).toThrow(InvalidArgumentError);
  });
});
