import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.js';
import { InvalidArgumentError } from '../../src/errors.js';
import { resolveUnderRoot } from '../../src/store/localFiles.js';
import { openLocalStore } from '../../src/store/localStore.js';
import { objectKey, TEMP_PART_PREFIX } from '../../src/store/objectKey.js';
import { openObjectStore } from '../../src/store/openObjectStore.js';
import { tempDir as makeTempDir } from '../support/tempDirs.js';
import { BAD_PARTS, describeStoreContract, invalidInKey } from './storeContract.js';

const ROOT = path.resolve(__dirname, '..', '..');
const tempDir = () => makeTempDir('lambda-iot-lake-');

async function keys(store: ReturnType<typeof openLocalStore>, prefix = ''): Promise<string[]> {
  const out: string[] = [];
  for await (const o of store.list(prefix)) out.push(o.key);
  return out;
}

/** Every file under a directory, relative, '/'-separated. */
function filesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return (fs.readdirSync(dir, { recursive: true, withFileTypes: true }) as fs.Dirent[])
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)).split(path.sep).join('/'))
    .sort();
}

describeStoreContract('local directory', async () => {
  const dir = tempDir();
  const store = openLocalStore(path.join(dir, 'lake'));
  return {
    store,
    close: async () => {
      await store.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
});

describe('local object store only', () => {
  it('is the lake/ directory under LAMBDA_IOT_DATA_DIR by default', async () => {
    const dataDir = tempDir();
    const store = await openObjectStore(loadConfig({ LAMBDA_IOT_DATA_DIR: dataDir }));
    expect(store.kind).toBe('local');
    expect(store.describe()).toBe(`local ${path.join(dataDir, 'lake')}`);
    await store.put(objectKey('raw', 'telemetry', 'a.bin'), Buffer.from('a'));
    expect(filesUnder(path.join(dataDir, 'lake'))).toEqual(['raw/telemetry/a.bin']);
    expect(store.uri('raw/telemetry/a.bin')).toBe(
      `file://${path.join(dataDir, 'lake', 'raw', 'telemetry', 'a.bin')}`,
    );
    expect(store.uri('raw/odd name ü.bin')).toMatch(/\/lake\/raw\/odd%20name%20%C3%BC\.bin$/);
  });

  it('leaves no temporary file behind and removes folders a delete emptied', async () => {
    const root = path.join(tempDir(), 'lake');
    const store = openLocalStore(root);
    await store.put('a/b/c.bin', Buffer.from('c'));
    await store.put('a/d.bin', Buffer.from('d'));
    expect(filesUnder(root)).toEqual(['a/b/c.bin', 'a/d.bin']);
    await store.delete('a/b/c.bin');
    expect(fs.existsSync(path.join(root, 'a', 'b'))).toBe(false);
    expect(fs.existsSync(path.join(root, 'a'))).toBe(true);
    await store.delete('a/d.bin');
    expect(fs.existsSync(path.join(root, 'a'))).toBe(false);
    expect(fs.existsSync(root)).toBe(true);
  });

  it('never lists temporary files, and lists keys in byte order where a folder and a file share a start', async () => {
    const root = path.join(tempDir(), 'lake');
    const store = openLocalStore(root);
    for (const key of ['p/a/x.bin', 'p/a-b.bin', 'p/a.bin', 'p/a0.bin', 'p/ü.bin', 'p/z.bin']) {
      await store.put(key, Buffer.from(key));
    }
    fs.writeFileSync(path.join(root, 'p', `${TEMP_PART_PREFIX}123.abcdef`), 'half');
    expect(await keys(store)).toEqual([
      'p/a-b.bin',
      'p/a.bin',
      'p/a/x.bin',
      'p/a0.bin',
      'p/z.bin',
      'p/ü.bin',
    ]);
    expect(await keys(store, 'p/a')).toEqual(['p/a-b.bin', 'p/a.bin', 'p/a/x.bin', 'p/a0.bin']);
  });

  it('says which key is in the way when a key would also be a folder', async () => {
    const store = openLocalStore(path.join(tempDir(), 'lake'));
    await store.put('a/b', Buffer.from('file'));
    await expect(store.put('a/b/c', Buffer.from('x'))).rejects.toThrow(/a key cannot also be a folder/);
    await expect(store.put('a', Buffer.from('x'))).rejects.toThrow(/a key cannot also be a folder/);
    expect(Buffer.from(await store.get('a/b')).toString()).toBe('file');
  });

  it('refuses a path outside its root even if a key check were bypassed', () => {
    const root = path.join(tempDir(), 'lake');
    expect(() => resolveUnderRoot(root, '../../etc/passwd')).toThrow(InvalidArgumentError);
    expect(() => resolveUnderRoot(root, '../lake-other/x')).toThrow(/resolves outside/);
    expect(() => resolveUnderRoot(root, '..')).toThrow(/resolves outside/);
    expect(resolveUnderRoot(root, 'a/b')).toBe(path.join(root, 'a', 'b'));
  });

  it('writes nothing anywhere for a rejected key part', async () => {
    const base = tempDir();
    const store = openLocalStore(path.join(base, 'lake', 'deep'));
    for (const [bad] of BAD_PARTS.filter(([part]) => invalidInKey(part))) {
      await expect(store.put(`raw/${bad}/passwd`, Buffer.from('evil'))).rejects.toBeInstanceOf(
        InvalidArgumentError,
      );
    }
    expect(filesUnder(base)).toEqual([]);
  });

  it('a put killed after writing its temporary file leaves no object and no listed file', async () => {
    const root = path.join(tempDir(), 'lake');
    const store = openLocalStore(root);
    await store.put('raw/old.bin', Buffer.from('old version'));
    const put = (key: string, text: string, crash: boolean) =>
      spawnSync(process.execPath, ['--import', 'tsx', path.join(__dirname, 'putChild.ts'), root, key, text], {
        cwd: ROOT,
        encoding: 'utf8',
        env: { ...process.env, LAMBDA_IOT_TEST_CRASH_AT: crash ? 'store:before-rename' : undefined },
        timeout: 60_000,
      });

    const crashed = put('raw/new.bin', 'new object', true);
    expect(crashed.stderr).toContain('crash hook fired: store:before-rename');
    expect(crashed.signal).toBe('SIGKILL');
    const overwrite = put('raw/old.bin', 'replacement', true);
    expect(overwrite.signal).toBe('SIGKILL');

    // the temporary files were written (the crash came after them) ...
    const temps = filesUnder(root).filter((f) => f.startsWith(`raw/${TEMP_PART_PREFIX}`));
    expect(temps).toHaveLength(2);
    expect(temps.map((f) => fs.readFileSync(path.join(root, f), 'utf8')).sort()).toEqual([
      'new object',
      'replacement',
    ]);
    // ... but no reader sees them
    expect(await store.head('raw/new.bin')).toBeUndefined();
    expect(Buffer.from(await store.get('raw/old.bin')).toString()).toBe('old version');
    expect(await keys(store)).toEqual(['raw/old.bin']);

    // and the same put without the hook stores the object
    const ok = put('raw/new.bin', 'new object', false);
    expect(ok.stdout, ok.stderr).toBe('stored\n');
    expect(Buffer.from(await store.get('raw/new.bin')).toString()).toBe('new object');
    expect(await keys(store)).toEqual(['raw/new.bin', 'raw/old.bin']);
  });
});
