import path from 'node:path';
import { type Config, loadConfig } from '../config/config.js';
import { InvalidArgumentError } from '../errors.js';
import { findProjectRoot } from '../util/projectRoot.js';

/**
 * Gives a notebook its own data directory, data/notebooks/<name>/ under the project root, unless
 * LAMBDA_IOT_DATA_DIR is already set (then that wins), and returns the configuration read from the
 * environment. Every notebook starts with it, so notebooks run in any order without sharing state.
 * @example const config = useNotebookDataDir('01-ingestion'); // config.dataDir ends in data/notebooks/01-ingestion
 */
export function useNotebookDataDir(name: string, env: NodeJS.ProcessEnv = process.env): Config {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(name)) {
    throw new InvalidArgumentError(
      `notebook data dir name: letters, digits, ".", "_" and "-" only, got ${JSON.stringify(name)}`,
    );
  }
  if (!env.LAMBDA_IOT_DATA_DIR) {
    env.LAMBDA_IOT_DATA_DIR = path.join(findProjectRoot(), 'data', 'notebooks', name);
  }
  return loadConfig(env);
}
