import fs, { type Dirent } from 'node:fs';
import fsp, { type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { InvalidArgumentError, ObjectNotFoundError, StoreError } from '../errors.js';
import { TEMP_PART_PREFIX } from './objectKey.js';

/** File-system error codes that mean "no object there" when reading a key. */
const MISSING = new Set(['ENOENT', 'ENOTDIR', 'EISDIR']);
/** File-system error codes worth retrying. */
const TRANSIENT = new Set(['EAGAIN', 'EBUSY', 'EMFILE', 'ENFILE', 'EINTR']);

export const errorCode = (error: unknown): string | undefined => (error as NodeJS.ErrnoException)?.code;

/**
 * The file of `key` under `root`, refused with InvalidArgumentError when it would lie outside the root.
 * Keys are validated before they get here; this is the second line of defense.
 */
export function resolveUnderRoot(root: string, key: string): string {
  const file = path.resolve(root, ...key.split('/'));
  if (!file.startsWith(root.endsWith(path.sep) ? root : root + path.sep)) {
    throw new InvalidArgumentError(`lake key rejected: '${key}' resolves outside ${root}`, {
      context: { key },
    });
  }
  return file;
}

/**
 * What a full disk or a read-only place means for the user, e.g. " (the lake /d/lake is read-only: …)",
 * or undefined for other error codes. `place` names what was being written ("the lake /d/lake").
 */
export function diskHint(code: string | undefined, place: string): string | undefined {
  switch (code) {
    case 'ENOSPC':
    case 'EDQUOT':
      return ` (no space left for ${place}: free some space, or set LAMBDA_IOT_DATA_DIR to a disk with room)`;
    case 'EROFS':
      return ` (${place} is on a read-only file system: set LAMBDA_IOT_DATA_DIR to a writable place)`;
    case 'EACCES':
    case 'EPERM':
      return ` (${place} is read-only for this user: fix its permissions, or set LAMBDA_IOT_DATA_DIR to a writable place)`;
    default:
      return undefined;
  }
}

/** Maps a file-system error on `key` to ObjectNotFoundError or StoreError. */
export function localError(what: string, key: string, error: unknown, root: string): StoreError {
  const code = errorCode(error);
  if (code !== undefined && MISSING.has(code) && what !== 'put') {
    return new ObjectNotFoundError(key, { cause: error, where: `local ${root}` });
  }
  const message = error instanceof Error ? error.message : String(error);
  const hint =
    what === 'put' && (code === 'ENOTDIR' || code === 'EEXIST')
      ? ' (a leading part of the key is an object; a key cannot also be a folder)'
      : what === 'put' && (code === 'EISDIR' || code === 'ENOTEMPTY')
        ? ' (the key is the folder of other keys; a key cannot also be a folder)'
        : what === 'put' || what === 'delete'
          ? (diskHint(code, `the lake ${root}`) ?? '')
          : '';
  return new StoreError(`lake local ${what} failed: ${key}: ${message}${hint}`, {
    cause: error,
    retriable: code !== undefined && TRANSIENT.has(code),
    context: { key, root },
  });
}

/** Flushes a directory entry change (a rename) to disk; a no-op where directories cannot be fsynced. */
export async function syncDirectory(dir: string): Promise<void> {
  let handle: FileHandle | undefined;
  try {
    handle = await fsp.open(dir, 'r');
    await handle.sync();
  } catch (error) {
    if (!['EISDIR', 'EPERM', 'EINVAL', 'EBADF'].includes(errorCode(error) ?? '')) throw error;
  } finally {
    await handle?.close();
  }
}

/** Removes now-empty directories from `dir` up to (not including) `root`; stops at the first non-empty one. */
export async function pruneEmptyDirectories(dir: string, root: string): Promise<void> {
  let current = dir;
  while (current.startsWith(root + path.sep)) {
    try {
      await fsp.rmdir(current);
    } catch {
      return; // not empty (ENOTEMPTY/EEXIST), already gone, or in use: leave it
    }
    current = path.dirname(current);
  }
}

export interface FoundFile {
  key: string;
  file: string;
}

/**
 * Files under `root` whose keys start with `prefix`, in UTF-8 byte order of their keys. Each directory is
 * read when the walk reaches it; entries sort by name, a directory's name taken with its trailing '/', which
 * is exactly the order of the keys beneath them. Temporary files and anything but files and folders are skipped.
 */
export async function* walkFiles(root: string, prefix: string): AsyncGenerator<FoundFile> {
  const parts = prefix.split('/');
  const started = parts.pop() ?? '';
  const base = parts.length > 0 ? `${parts.join('/')}/` : '';
  yield* walkDirectory(path.join(root, ...parts), base, started);
}

async function* walkDirectory(dir: string, keyBase: string, started: string): AsyncGenerator<FoundFile> {
  let entries: Dirent[];
  try {
    // Synchronous: a directory read is short, and awaiting one per date folder made listing a year of raw
    // files ~8× slower (each await a round trip through libuv's thread pool).
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch (error) {
    if (MISSING.has(errorCode(error) ?? '')) return;
    throw error;
  }
  const items = entries
    .filter((e) => (e.isFile() || e.isDirectory()) && !e.name.startsWith(TEMP_PART_PREFIX))
    .filter((e) => e.name.startsWith(started))
    .map((e) => ({
      name: e.name,
      isDirectory: e.isDirectory(),
      order: Buffer.from(e.isDirectory() ? `${e.name}/` : e.name),
    }))
    .sort((a, b) => Buffer.compare(a.order, b.order));
  for (const item of items) {
    const key = keyBase + item.name;
    if (item.isDirectory) yield* walkDirectory(path.join(dir, item.name), `${key}/`, '');
    else yield { key, file: path.join(dir, item.name) };
  }
}
