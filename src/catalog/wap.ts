import { randomBytes } from 'node:crypto';
import { KitError } from '../errors.js';
import { type Branch, type Catalog, type CommitInfo, MAIN_BRANCH } from './port.js';

/** What one audit found. */
export interface AuditResult {
  passed: boolean;
  /** One line: what was checked and, when it failed, what was wrong. */
  detail: string;
  /** Up to a few offending rows or values, to show the reader. */
  offending?: unknown[];
}

/** A named check of what a run wrote, run against the run's branch before anything is published. */
export interface Audit {
  name: string;
  run: (branch: Branch) => Promise<AuditResult>;
}

export interface WapOptions<W> {
  catalog: Catalog;
  /** Names the run branch `run-<runId>`. Default: UTC time plus a random suffix. */
  runId?: string;
  /** The branch the run starts from and publishes to. Default main. */
  target?: string;
  /** Writes the tables on the run branch (committing there) and says what it wrote. */
  write: (branch: Branch, runId: string) => Promise<W>;
  audits: Audit[];
  /** Keep the run branch when an audit fails, for inspection (default true); otherwise drop it. */
  keepFailedBranch?: boolean;
  author?: string;
  /** Progress: each phase as it starts. */
  onPhase?: (phase: 'branch' | 'write' | 'audit' | 'publish', detail: string) => void;
}

export interface WapResult<W> {
  runId: string;
  branch: string;
  /** What `write` returned. */
  written: W;
  audits: (AuditResult & { name: string })[];
  published: boolean;
  /** The merge commit on the target when published. */
  publishedCommit?: CommitInfo;
  /** The target's head after the run (unchanged when nothing was published). */
  targetHash: string;
  /** Whether the run branch still exists (kept after a failed audit). */
  branchKept: boolean;
}

/** A run id from the wall clock: 20261126T045512Z-1a2b. */
export function newRunId(nowMs = Date.now()): string {
  const stamp = new Date(nowMs)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  return `${stamp}-${randomBytes(2).toString('hex')}`;
}

/** Every write-audit-publish run branch is named `run-<runId>`. */
export const RUN_BRANCH_PREFIX = 'run-';

/**
 * After a failed write: drops the run branch when nothing was committed on it (a failing run retried
 * must not leave an empty branch per attempt), keeps it when it holds what was written before the
 * failure. Says which, for the error message.
 */
async function settleFailedWrite(catalog: Catalog, branch: string, startHash: string): Promise<string> {
  try {
    if ((await catalog.getBranch(branch)).hash !== startHash) {
      return `branch ${branch} kept for inspection (it holds what was written before the failure)`;
    }
    await catalog.deleteBranch(branch, startHash);
    return `branch ${branch} dropped (nothing was written on it)`;
  } catch {
    return `branch ${branch} kept (dropping it failed)`;
  }
}

/**
 * Write-Audit-Publish: creates a run branch from the target, lets `write` change any number of tables
 * there, runs every audit on the branch, and only if all pass merges the branch into the target in one
 * atomic merge (readers of the target see all of the run's tables or none), then drops the branch. When an
 * audit fails the target is untouched and the branch is kept for inspection (or dropped). When the write
 * fails, the branch is dropped if nothing was committed on it, kept otherwise. Audits all run,
 * so the result lists every failure, not just the first.
 * @example const result = await writeAuditPublish({ catalog, write: async (branch) => writeGold(branch), audits });
 */
export async function writeAuditPublish<W>(options: WapOptions<W>): Promise<WapResult<W>> {
  const { catalog } = options;
  const target = options.target ?? MAIN_BRANCH;
  const runId = options.runId ?? newRunId();
  const branchName = `${RUN_BRANCH_PREFIX}${runId}`;
  options.onPhase?.('branch', `${branchName} from ${target}`);
  const start = await catalog.createBranch(branchName, target);
  let written: W;
  try {
    options.onPhase?.('write', branchName);
    written = await options.write(start, runId);
  } catch (error) {
    const branchFate = await settleFailedWrite(catalog, branchName, start.hash);
    throw new KitError(`write-audit-publish ${runId}: writing failed; ${branchFate}`, { cause: error });
  }
  const branch = await catalog.getBranch(branchName);
  const audits: WapResult<W>['audits'] = [];
  for (const audit of options.audits) {
    options.onPhase?.('audit', audit.name);
    try {
      audits.push({ name: audit.name, ...(await audit.run(branch)) });
    } catch (error) {
      audits.push({
        name: audit.name,
        passed: false,
        detail: `the audit itself failed: ${(error as Error).message}`,
      });
    }
  }
  if (audits.some((a) => !a.passed)) {
    const keep = options.keepFailedBranch ?? true;
    if (!keep) await catalog.deleteBranch(branchName);
    return {
      runId,
      branch: branchName,
      written,
      audits,
      published: false,
      targetHash: (await catalog.getBranch(target)).hash,
      branchKept: keep,
    };
  }
  options.onPhase?.('publish', `${branchName} → ${target}`);
  const merged = await catalog.merge({
    from: branchName,
    into: target,
    message: `publish run ${runId}`,
    author: options.author,
  });
  await catalog.deleteBranch(branchName);
  return {
    runId,
    branch: branchName,
    written,
    audits,
    published: true,
    publishedCommit: merged.commit,
    targetHash: merged.branch.hash,
    branchKept: false,
  };
}
