import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openLog } from '../../src/bus/openLog.js';
import { loadConfig } from '../../src/config/config.js';
import { takeExclusiveLock } from '../../src/util/exclusiveLock.js';
import { ROOT, tempDataDir } from '../support/cli.js';

const CHILD = path.join(__dirname, 'simulateChild.ts');

function runChild(args: string[]) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, ...args], {
      cwd: ROOT,
      env: process.env,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => {
      stdout += c;
    });
    child.stderr.on('data', (c) => {
      stderr += c;
    });
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('simulate: runs into one data directory take turns (issue 15 item 4)', () => {
  it('two processes started together: one produces, the other waits and finds it already in the log', async () => {
    const dataDir = tempDataDir('sim-lock');
    const barrier = path.join(dataDir, 'barrier');
    fs.mkdirSync(barrier, { recursive: true });
    const results = await Promise.all([runChild([dataDir, 'a', barrier]), runChild([dataDir, 'b', barrier])]);
    for (const r of results) expect(r.code, r.stderr).toBe(0);
    const [a, b] = results.map((r) => JSON.parse(r.stdout));
    expect([a.action, b.action].sort()).toEqual(['produced', 'skipped']);
    const skipped = a.action === 'skipped' ? a : b;
    expect(skipped.produced.telemetry).toBe(3 * 1440);
    // nothing duplicated: the log holds one simulation's messages
    const log = await openLog(loadConfig({ LAMBDA_IOT_DATA_DIR: dataDir, LAMBDA_IOT_BUS: 'embedded' }));
    try {
      const messages = async (topic: string) =>
        (await log.partitionOffsets(topic)).reduce((n, p) => n + p.endOffset, 0);
      expect(await messages('iot-telemetry')).toBe(3 * 1440);
      expect(await messages('iot-events')).toBe(skipped.produced.events);
    } finally {
      await log.close();
    }
  }, 120_000);

  it('the lock is exclusive, released by release(), and a waiter stops when its signal aborts', async () => {
    const file = path.join(tempDataDir('lock'), 'simulations', 'lock.sqlite');
    const first = await takeExclusiveLock(file);
    expect(first).toBeDefined();
    const stop = new AbortController();
    let waiting!: () => void;
    const waited = new Promise<void>((resolve) => {
      waiting = resolve;
    });
    const second = takeExclusiveLock(file, { signal: stop.signal, onWait: waiting, pollMs: 5 });
    await waited;
    stop.abort();
    expect(await second).toBeUndefined();
    first!.release();
    first!.release(); // idempotent
    const third = await takeExclusiveLock(file);
    expect(third).toBeDefined();
    third!.release();
  });
});
