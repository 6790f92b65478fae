import { randomBytes } from 'node:crypto';
import type { Dirent } from 'node:fs';
import fsp, { type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { InvalidArgumentError, ObjectNotFoundError } from '../errors.js';
import { crashPoint } from '../testing/crash.js';
import { isProcessAlive } from '../util/processAlive.js';
import {
  errorCode,
  type FoundFile,
  localError,
  pruneEmptyDirectories,
  resolveUnderRoot,
  syncDirectory,
  walkFiles,
} from './localFiles.js';
import { assertKeyPrefix, assertObjectKey, TEMP_PART_PREFIX } from './objectKey.js';
import type { ListOptions, ObjectInfo, ObjectStore, PutBody, PutOptions, PutResult } from './objectStore.js';
import { bodyChunks } from './putBody.js';
import { assertByteRange, pageSizeOf } from './storeArguments.js';

/**
 * The object store port on a local directory: a key `a/b/c.parquet` is the file `<root>/a/b/c.parquet`.
 * A put writes a temporary file in the object's directory, fsyncs it, renames it over the key and fsyncs
 * the directory, so readers see the old object or the whole new one, and a crash leaves at most a hidden
 * temporary file (never listed). Every path is checked to stay under the root.
 * @example const store = openLocalStore('data/lake'); await store.put('raw/x.bin', bytes);
 */
/** Files a listing stats at once. */
const LIST_STAT_BATCH = 64;

export class LocalObjectStore implements ObjectStore {
  readonly kind = 'local';
  /** Absolute root directory. */
  readonly root: string;

  constructor(root: string) {
    this.root = path.resolve(root);
  }

  /** The file of a key, refused when it would lie outside the root (defense in depth behind key checks). */
  pathOf(key: string): string {
    return resolveUnderRoot(this.root, assertObjectKey(key));
  }

  async put(key: string, body: PutBody, _options?: PutOptions): Promise<PutResult> {
    const file = this.pathOf(key);
    const dir = path.dirname(file);
    const temp = path.join(dir, `${TEMP_PART_PREFIX}${process.pid}.${randomBytes(6).toString('hex')}`);
    let handle: FileHandle | undefined;
    let size = 0;
    try {
      handle = await openNewFile(dir, temp);
      for await (const chunk of bodyChunks(body)) {
        for (let done = 0; done < chunk.length; ) {
          done += (await handle.write(chunk, done, chunk.length - done)).bytesWritten;
        }
        size += chunk.length;
      }
      await handle.sync();
      await handle.close();
      handle = undefined;
      crashPoint('store:before-rename');
      await fsp.rename(temp, file);
      await syncDirectory(dir);
    } catch (error) {
      await handle?.close().catch(() => undefined);
      await fsp.rm(temp, { force: true }).catch(() => undefined);
      if (error instanceof InvalidArgumentError) throw error;
      throw localError('put', key, error, this.root);
    }
    return { key, size };
  }

  async get(key: string): Promise<Uint8Array> {
    const file = this.pathOf(key);
    try {
      return await fsp.readFile(file);
    } catch (error) {
      throw localError('get', key, error, this.root);
    }
  }

  async getRange(key: string, start: number, end?: number): Promise<Uint8Array> {
    assertByteRange(key, start, end);
    const handle = await this.openObject(key);
    try {
      const { size } = await handle.stat();
      const stop = Math.min(end ?? size, size);
      const out = Buffer.alloc(Math.max(0, stop - start));
      for (let done = 0; done < out.length; ) {
        const { bytesRead } = await handle.read(out, done, out.length - done, start + done);
        if (bytesRead === 0) return out.subarray(0, done); // truncated meanwhile by an outside writer
        done += bytesRead;
      }
      return out;
    } catch (error) {
      throw localError('getRange', key, error, this.root);
    } finally {
      await handle.close();
    }
  }

  async getStream(key: string): Promise<Readable> {
    const handle = await this.openObject(key);
    return handle.createReadStream({ autoClose: true });
  }

  async head(key: string): Promise<ObjectInfo | undefined> {
    const file = this.pathOf(key);
    try {
      const stat = await fsp.stat(file);
      return stat.isFile() ? { key, size: stat.size, lastModified: stat.mtime } : undefined;
    } catch (error) {
      if (['ENOENT', 'ENOTDIR'].includes(errorCode(error) ?? '')) return undefined;
      throw localError('head', key, error, this.root);
    }
  }

  async *list(prefix: string, options?: ListOptions): AsyncGenerator<ObjectInfo> {
    assertKeyPrefix(prefix);
    pageSizeOf(options);
    // Files are stat'ed a batch at a time, concurrently (one await per file dominated a long listing).
    const batch: FoundFile[] = [];
    const flush = async (): Promise<ObjectInfo[]> => {
      const stats = await Promise.all(
        batch.map((found) =>
          fsp.stat(found.file).then(
            (stat) => ({ key: found.key, size: stat.size, lastModified: stat.mtime }),
            (error: unknown) => {
              if (errorCode(error) !== 'ENOENT') throw localError('list', found.key, error, this.root);
              return undefined; // deleted while listing: as if it had been deleted before
            },
          ),
        ),
      );
      batch.length = 0;
      return stats.filter((info): info is ObjectInfo => info !== undefined);
    };
    for await (const found of walkFiles(this.root, prefix)) {
      if (!found.key.startsWith(prefix)) continue;
      batch.push(found);
      if (batch.length >= LIST_STAT_BATCH) for (const info of await flush()) yield info;
    }
    for (const info of await flush()) yield info;
  }

  async delete(key: string): Promise<void> {
    const file = this.pathOf(key);
    try {
      await fsp.unlink(file);
    } catch (error) {
      if (['ENOENT', 'ENOTDIR', 'EISDIR'].includes(errorCode(error) ?? '')) return;
      throw localError('delete', key, error, this.root);
    }
    await pruneEmptyDirectories(path.dirname(file), this.root);
  }

  uri(key: string): string {
    return pathToFileURL(this.pathOf(key)).href;
  }

  keyOf(uri: string): string {
    let file: string;
    try {
      file = fileURLToPath(uri);
    } catch (error) {
      throw new InvalidArgumentError(
        `lake uri rejected: ${uri} is not a file:// URI (${(error as Error).message})`,
      );
    }
    const relative = path.relative(this.root, file);
    if (relative === '' || relative.startsWith('..') || path.isAbsolute(relative)) {
      throw new InvalidArgumentError(`lake uri rejected: ${uri} is outside the lake ${this.root}`);
    }
    return assertObjectKey(relative.split(path.sep).join('/'));
  }

  describe(): string {
    return `local ${this.root}`;
  }

  async removeAbandonedTemporaries(): Promise<string[]> {
    const removed: string[] = [];
    const visit = async (dir: string): Promise<void> => {
      let entries: Dirent[];
      try {
        entries = await fsp.readdir(dir, { withFileTypes: true });
      } catch (error) {
        if (errorCode(error) === 'ENOENT') return;
        throw localError('list', path.relative(this.root, dir), error, this.root);
      }
      for (const entry of entries) {
        const file = path.join(dir, entry.name);
        if (entry.isDirectory()) await visit(file);
        else if (entry.isFile() && entry.name.startsWith(TEMP_PART_PREFIX)) {
          const pid = Number(entry.name.slice(TEMP_PART_PREFIX.length).split('.')[0]);
          if (!Number.isInteger(pid) || pid <= 0 || isProcessAlive(pid)) continue;
          await fsp.rm(file, { force: true });
          removed.push(path.relative(this.root, file).split(path.sep).join('/'));
        }
      }
    };
    await visit(this.root);
    return removed.sort();
  }

  async close(): Promise<void> {}

  /** Opens a key's file for reading: ObjectNotFoundError when it is missing or a folder. */
  private async openObject(key: string): Promise<FileHandle> {
    const file = this.pathOf(key);
    let handle: FileHandle;
    try {
      handle = await fsp.open(file, 'r');
    } catch (error) {
      throw localError('get', key, error, this.root);
    }
    const stat = await handle.stat().catch(async (error) => {
      await handle.close();
      throw localError('get', key, error, this.root);
    });
    if (!stat.isFile()) {
      await handle.close();
      throw new ObjectNotFoundError(key, { where: this.describe() });
    }
    return handle;
  }
}

/**
 * Creates the directory and a new file in it. A concurrent delete may remove the (empty) directory
 * between the two steps, so the pair is retried.
 */
async function openNewFile(dir: string, file: string): Promise<FileHandle> {
  for (let attempt = 1; ; attempt++) {
    await fsp.mkdir(dir, { recursive: true });
    try {
      return await fsp.open(file, 'wx');
    } catch (error) {
      if (errorCode(error) !== 'ENOENT' || attempt >= 5) throw error;
    }
  }
}

/**
 * A local object store rooted at `root` (created on first write).
 * @example const store = openLocalStore(path.join(config.dataDir, 'lake'));
 */
export function openLocalStore(root: string): LocalObjectStore {
  return new LocalObjectStore(root);
}
