import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** Directories made by tempDir in this test file's process, removed after the file (test/support/setup.ts). */
const created = new Set<string>();

/**
 * A fresh directory under os.tmpdir() named `<prefix>XXXXXX`, removed once the test file's tests have run, so
 * a test run leaves nothing in its TMPDIR (.ci/run checks).
 */
export function tempDir(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  created.add(dir);
  return dir;
}

/** Removes every directory tempDir made (and what child processes wrote into them). */
export function removeTempDirs(): void {
  for (const dir of created) fs.rmSync(dir, { recursive: true, force: true, maxRetries: 5 });
  created.clear();
}
