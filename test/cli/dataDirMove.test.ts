import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { icebergRead } from 'icebird';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TableMetadata } from '../../src/iceberg/types.js';
import { runCli, startCli, tempDataDir } from '../support/cli.js';

/** icebird fetches every file by URL: serve file:// URLs from disk (with Range), as a file system would. */
const realFetch = globalThis.fetch;
function fileFetch(input: string | URL | Request, init?: RequestInit): Promise<Response> {
  const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
  if (!url.startsWith('file://')) return realFetch(input, init);
  const file = fileURLToPath(url);
  if (!fs.existsSync(file)) return Promise.resolve(new Response('not found', { status: 404 }));
  const bytes = fs.readFileSync(file);
  if (init?.method === 'HEAD') {
    return Promise.resolve(new Response(null, { headers: { 'content-length': String(bytes.length) } }));
  }
  const range = /bytes=(\d+)-(\d*)/.exec(new Headers(init?.headers).get('range') ?? '');
  if (range === null) return Promise.resolve(new Response(bytes));
  const end = range[2] ? Number(range[2]) + 1 : bytes.length;
  return Promise.resolve(new Response(bytes.subarray(Number(range[1]), end), { status: 206 }));
}
beforeAll(() => {
  globalThis.fetch = fileFetch as typeof fetch;
});
afterAll(() => {
  globalThis.fetch = realFetch;
});

const scan = async (env: Record<string, string>) => {
  const result = await runCli(['table', 'scan', 'gold_device_health', '--json'], env);
  expect(result.code, result.stderr).toBe(0);
  return JSON.parse(result.stdout) as Record<string, unknown>[];
};
const batch = async (env: Record<string, string>, ...args: string[]) => {
  const result = await runCli(['batch', '--json', ...args], env);
  expect(result.code, result.stderr).toBe(0);
  return JSON.parse(result.stdout) as { published: boolean };
};
/** The newest metadata file of a table folder (versions are zero-padded, so names sort). */
const newestMetadata = (tableDir: string): TableMetadata => {
  const dir = path.join(tableDir, 'metadata');
  const newest = fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.metadata.json'))
    .sort()
    .at(-1)!;
  return JSON.parse(fs.readFileSync(path.join(dir, newest), 'utf8')) as TableMetadata;
};

describe('a data directory can be moved', () => {
  it('a copy, with the original gone, scans the same Gold rows and runs batch, batch --full and orphans', async () => {
    const original = tempDataDir('move-original');
    const env = { LAMBDA_IOT_DATA_DIR: original };
    expect((await runCli(['simulate', '--devices', '2', '--days', '2', '--seed', '3'], env)).code).toBe(0);
    expect((await runCli(['land', '--until-idle', '1s'], env)).code).toBe(0);
    expect((await batch(env)).published).toBe(true);
    const rows = await scan(env);
    expect(rows).toHaveLength(4);

    const copy = path.join(tempDataDir('move-copy'), 'class data');
    await fs.promises.cp(original, copy, { recursive: true });
    fs.rmSync(original, { recursive: true, force: true });
    const moved = { LAMBDA_IOT_DATA_DIR: copy };
    const table = path.join(copy, 'lake', 'warehouse', 'iot', 'gold_device_health');
    // The copied metadata names files under the original path, which no longer exists.
    const copied = newestMetadata(table);
    expect(copied.location).toBe(
      pathToFileURL(path.join(original, 'lake', 'warehouse', 'iot', 'gold_device_health')).href,
    );

    expect(await scan(moved)).toEqual(rows);
    // The same simulation in the copy is the same run in the same log (keyed by the log's identity, not
    // its path): it is not produced a second time.
    const resimulated = await runCli(
      ['simulate', '--devices', '2', '--days', '2', '--seed', '3', '--json'],
      moved,
    );
    expect(resimulated.code, resimulated.stderr).toBe(0);
    expect(JSON.parse(resimulated.stdout).action).toBe('skipped');
    const again = await runCli(['batch'], moved);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toMatch(/nothing to do \(nothing new in the lake since the last published run\)/);
    // One day rebuilt: the new snapshot keeps the other day's file from the old manifests.
    expect((await batch(moved, '--from', '2025-04-02', '--to', '2025-04-02')).published).toBe(true);
    expect(await scan(moved)).toEqual(rows);
    expect((await batch(moved, '--full')).published).toBe(true);
    expect(await scan(moved)).toEqual(rows);
    const branches = JSON.parse((await runCli(['catalog', 'branches', '--json'], moved)).stdout);
    expect(branches.map((b: { branch: string }) => b.branch)).toEqual(['main']);
    // Files named under the old path are still the table's: none of them is an orphan.
    const orphans = await runCli(
      ['table', 'orphans', 'gold_device_health', '--older-than', '0', '--json'],
      moved,
    );
    expect(orphans.code, orphans.stderr).toBe(0);
    expect(JSON.parse(orphans.stdout)).toMatchObject({ orphans: [], deleted: false });

    // What the copy writes is absolute URIs under its own path, so another Iceberg reader (icebird) reads
    // the fully rebuilt table from the copy alone.
    const metadata = newestMetadata(table);
    const here = pathToFileURL(table).href;
    expect(metadata.location).toBe(here);
    const current = metadata.snapshots.find((s) => s['snapshot-id'] === metadata['current-snapshot-id'])!;
    expect(current['manifest-list'].startsWith(`${here}/metadata/`)).toBe(true);
    const read = await icebergRead({ tableUrl: metadata.location, metadata: metadata as never });
    const key = (r: Record<string, unknown>) => {
      const date = r.date instanceof Date ? r.date.toISOString().slice(0, 10) : r.date;
      return `${r.device_id} ${date} ${Number(r.readings)}`;
    };
    expect(read.map(key).sort()).toEqual(rows.map(key).sort());
  }, 120_000);

  it("a copy made while serve runs does not take the original's running owner for its own", async () => {
    const original = tempDataDir('move-serving');
    const ownerFile = path.join(original, 'serving', 'owner.json');
    const serve = startCli(['serve'], { LAMBDA_IOT_DATA_DIR: original });
    try {
      // Wait by condition: the owner record appears once serve owns the serving file.
      const deadline = Date.now() + 60_000;
      while (!fs.existsSync(ownerFile)) {
        if (Date.now() > deadline || serve.child.exitCode !== null)
          throw new Error(`no owner: ${serve.stderr()}`);
        await new Promise((r) => setTimeout(r, 50));
      }
      const copy = path.join(tempDataDir('move-serving-copy'), 'copy');
      await fs.promises.cp(original, copy, { recursive: true });
      // The copied owner.json names the live serve of the original; the copy opens its own serving file.
      expect(JSON.parse(fs.readFileSync(path.join(copy, 'serving', 'owner.json'), 'utf8')).pid).toBe(
        serve.child.pid,
      );
      const status = await runCli(['serve', 'status', '--json'], { LAMBDA_IOT_DATA_DIR: copy });
      expect(status.code, status.stderr).toBe(0);
      expect(JSON.parse(status.stdout).ownedBy).not.toBe(serve.child.pid);
    } finally {
      serve.child.kill('SIGTERM');
      const exit = await serve.exited;
      expect(exit.code, exit.stderr).toBe(0);
    }
  }, 120_000);
});
