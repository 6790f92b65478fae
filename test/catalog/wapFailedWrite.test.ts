import { describe, expect, it } from 'vitest';
import { MAIN_BRANCH } from '../../src/catalog/port.js';
import { writeAuditPublish } from '../../src/catalog/wap.js';
import { KitError } from '../../src/errors.js';
import { createTable, HEALTH, healthRows, writeRows } from './fixture.js';
import { useLocalCatalogFixtures } from './localFixtures.js';

const localFixture = useLocalCatalogFixtures('wap-failed-write');

describe('write-audit-publish when the write fails', () => {
  it('drops a run branch nothing was written on (no empty branch per attempt), keeps one that holds a commit', async () => {
    const f = await localFixture();
    await createTable(f, HEALTH);
    const mainBefore = (await f.catalog.getBranch(MAIN_BRANCH)).hash;
    const branchNames = async () => (await f.catalog.listBranches()).map((b) => b.name);
    const failing = (runId: string, commitFirst: boolean) =>
      writeAuditPublish({
        catalog: f.catalog,
        runId,
        audits: [],
        write: async (branch) => {
          if (commitFirst) {
            await writeRows(
              f,
              HEALTH.name,
              healthRows([['d-1', '2025-04-01', 20, [], runId]]),
              'append',
              branch.name,
            );
          }
          throw new Error('disk full');
        },
      });

    for (const attempt of ['a1', 'a2']) {
      const error = await failing(attempt, false).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(KitError);
      expect((error as Error).message).toBe(
        `write-audit-publish ${attempt}: writing failed; branch run-${attempt} dropped (nothing was written on it)`,
      );
      expect(((error as Error).cause as Error).message).toBe('disk full');
    }
    expect(await branchNames()).toEqual([MAIN_BRANCH]);

    const partial = await failing('p1', true).catch((e: unknown) => e);
    expect((partial as Error).message).toBe(
      'write-audit-publish p1: writing failed; branch run-p1 kept for inspection (it holds what was written before the failure)',
    );
    expect(await branchNames()).toEqual([MAIN_BRANCH, 'run-p1']);
    expect((await f.catalog.getBranch(MAIN_BRANCH)).hash).toBe(mainBefore);
  });
});
