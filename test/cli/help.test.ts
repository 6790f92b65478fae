import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, runCli, tempDataDir } from '../support/cli.js';

/** Packages with native code or a heavy client that only the commands using them may load. */
const HEAVY = ['@duckdb/', 'better-sqlite3', 'kafkajs', '@aws-sdk/', '@resvg/'];

/** Runs the CLI with a loader hook that records every module it resolves; returns the packages among them. */
async function loadedPackages(args: string[], env: Record<string, string> = {}) {
  const file = path.join(tempDataDir('loads'), 'loads.txt');
  const result = await runCli(args, {
    ...env,
    RECORD_LOADS_FILE: file,
    NODE_OPTIONS: `--import ${path.join(ROOT, 'test', 'support', 'recordLoads.mjs')}`,
  });
  const urls = fs.existsSync(file) ? fs.readFileSync(file, 'utf8').split('\n').filter(Boolean) : [];
  return { result, urls, heavy: HEAVY.filter((p) => urls.some((u) => u.includes(`/node_modules/${p}`))) };
}

describe('lambda-iot --help', () => {
  it('lists every command and loads no native package', async () => {
    const { result, urls, heavy } = await loadedPackages(['--help']);
    expect(result.code).toBe(0);
    for (const name of ['run', 'simulate', 'stream', 'land', 'batch', 'table']) {
      expect(result.stdout).toMatch(new RegExp(`^  ${name}\\b`, 'm'));
    }
    expect(urls.length).toBeGreaterThan(10); // the recorder saw the modules that were loaded
    expect(heavy).toEqual([]);
  });

  it('a command loads only what it uses (the recorder sees a native package when one is loaded)', async () => {
    const { result, heavy } = await loadedPackages(['topics'], { LAMBDA_IOT_DATA_DIR: tempDataDir() });
    expect(result.code).toBe(0);
    expect(heavy).toEqual(['better-sqlite3']);
  });

  it('help of one command loads that command only', async () => {
    const { result } = await loadedPackages(['help', 'table']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Usage: lambda-iot table');
    expect(result.stdout).toContain('scan');
  });
});
