import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';

/** A held lock; release() is idempotent. */
export interface HeldLock {
  release(): void;
}

export interface ExclusiveLockOptions {
  /** Gives up waiting (resolves undefined) once aborted. */
  signal?: AbortSignal;
  /** Called once, when the lock is found held by someone else and the caller starts waiting. */
  onWait?: () => void;
  /** How often a waiting caller tries again. Default 100 ms. */
  pollMs?: number;
}

/**
 * Takes an exclusive lock on `file` (a small SQLite database, created if missing) across processes: an
 * exclusive transaction held open. The operating system drops the lock with the process, so a holder
 * killed with SIGKILL never leaves a stale lock behind (no pid files to check). Waits while another
 * process holds it, polling without blocking the event loop (signals stay handled); resolves undefined
 * when `signal` aborts first.
 * @example const lock = await takeExclusiveLock(path.join(dataDir, 'simulations', 'lock.sqlite'));
 * try { … } finally { lock?.release(); }
 */
export async function takeExclusiveLock(
  file: string,
  options: ExclusiveLockOptions = {},
): Promise<HeldLock | undefined> {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const db = new Database(file, { timeout: 0 });
  let waiting = false;
  try {
    for (;;) {
      try {
        db.exec('BEGIN EXCLUSIVE');
        break;
      } catch (error) {
        if ((error as { code?: string }).code !== 'SQLITE_BUSY') throw error;
      }
      if (!waiting) {
        waiting = true;
        options.onWait?.();
      }
      if (options.signal?.aborted) {
        db.close();
        return undefined;
      }
      await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 100));
    }
  } catch (error) {
    db.close();
    throw error;
  }
  let held = true;
  return {
    release() {
      if (!held) return;
      held = false;
      db.exec('ROLLBACK');
      db.close();
    },
  };
}
