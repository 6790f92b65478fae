/** Runs around every test file (vitest setupFiles): removes the file's temporary directories after its tests. */
import { afterAll } from 'vitest';
import { removeTempDirs } from './tempDirs.js';

afterAll(() => {
  removeTempDirs();
});
