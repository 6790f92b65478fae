import { randomUUID } from 'node:crypto';
import {
  CatalogConflictError,
  CatalogError,
  CatalogExpiredError,
  CatalogRefNotFoundError,
  CorruptMetadataError,
} from '../errors.js';
import { locationKey } from '../iceberg/locationKey.js';
import { applyUpdates, checkRequirements } from '../iceberg/metadata.js';
import type { LoadedTable } from '../iceberg/tableChange.js';
import { parseTableName, type TableName } from '../iceberg/tableName.js';
import type { TableMetadata } from '../iceberg/types.js';
import type { ObjectStore } from '../store/objectStore.js';
import { crashPoint } from '../testing/crash.js';
import { changedTables, firstParentAsOf, firstParentLog, isAncestor, mergeBase } from './commitGraph.js';
import { EXPIRED_BEFORE_PROPERTY } from './maintenance.js';
import { assertBranchName } from './names.js';
import { branchNotFound, commitNotFound, describeRef, hashTooShort, tableNotFound } from './notFound.js';
import {
  type Branch,
  type Catalog,
  type CommitInfo,
  type CommitRequest,
  type CommitResult,
  MAIN_BRANCH,
  type MergeRequest,
  type RefSpec,
} from './port.js';
import { type NewCommit, ROOT_HASH, SqliteCommits, type StoredCommit } from './sqliteCommits.js';

export { ROOT_HASH } from './sqliteCommits.js';

/** The shortest commit-hash prefix a ref may use. */
export const MIN_HASH_PREFIX = 6;

export interface EmbeddedCatalogOptions {
  /** The SQLite file (created with its folder when missing). */
  file: string;
  /** Only reads will be made: in a folder this user may only read, a private copy is read. Default false. */
  readOnly?: boolean;
  /** Where metadata files are written and read. */
  store: ObjectStore;
  /** Wall clock for commit times. Default Date.now. */
  now?: () => number;
  /** Test hooks: runs after metadata files are written and before the branch moves (commit and merge). */
  beforeRefUpdate?: (operation: 'commit' | 'merge') => Promise<void> | void;
}

/**
 * The embedded catalog: branches and commits in one SQLite file (WAL, synchronous writes, several
 * processes at once), table metadata as JSON files in the object store. Each commit records the metadata
 * location of every table (copy-on-write), so reading any table at any commit is one lookup. A commit or
 * merge writes its metadata files first, then moves the branch in one SQLite transaction that checks the
 * branch did not move in a conflicting way: a compare-and-swap of the ref. A crash before the swap leaves
 * only unreferenced metadata files.
 */
export class EmbeddedCatalog implements Catalog {
  readonly kind = 'embedded' as const;
  private readonly commits: SqliteCommits;
  private readonly store: ObjectStore;
  private readonly now: () => number;
  private readonly beforeRefUpdate?: EmbeddedCatalogOptions['beforeRefUpdate'];
  private readonly metadataCache = new Map<string, TableMetadata>();

  constructor(private readonly options: EmbeddedCatalogOptions) {
    this.store = options.store;
    this.now = options.now ?? Date.now;
    this.beforeRefUpdate = options.beforeRefUpdate;
    this.commits = new SqliteCommits(options.file, this.now(), { readOnly: options.readOnly });
  }

  /** The commit graph (read-only use: the algorithms of commitGraph.ts, tests counting what a walk reads). */
  graph(): SqliteCommits {
    return this.commits;
  }

  private get db() {
    return this.commits.db;
  }

  describe(): string {
    return `embedded ${this.options.file}`;
  }

  async listBranches(): Promise<Branch[]> {
    return this.commits.refs();
  }

  async getBranch(name: string): Promise<Branch> {
    return { name, hash: this.headOf(name) };
  }

  async createBranch(name: string, from: RefSpec = MAIN_BRANCH): Promise<Branch> {
    assertBranchName(name);
    const hash = this.resolve(from);
    if (!this.commits.addRef(name, hash)) throw new CatalogError(`catalog branch exists: ${name}`);
    return { name, hash };
  }

  async deleteBranch(name: string, expectedHash?: string): Promise<void> {
    if (name === MAIN_BRANCH) throw new CatalogError('catalog branch main cannot be deleted');
    this.db
      .transaction(() => {
        const head = this.headOf(name);
        if (expectedHash !== undefined && head !== expectedHash) {
          throw new CatalogConflictError(
            `catalog branch ${name} moved to ${head.slice(0, 12)}; not deleted`,
            [],
          );
        }
        this.commits.deleteRef(name);
      })
      .immediate();
  }

  async commit(request: CommitRequest): Promise<CommitResult> {
    const { branch } = request;
    if (request.changes.length === 0) throw new CatalogError('catalog commit has no table changes');
    const tables = request.changes.map((c) => c.table);
    for (const t of tables) parseTableName(t);
    if (new Set(tables).size !== tables.length)
      throw new CatalogError('catalog commit changes a table twice');
    const head0 = this.headOf(branch);
    if (!this.commits.commit(request.expectedHash)) {
      throw commitNotFound(request.expectedHash);
    }
    if (head0 !== request.expectedHash) {
      if (!isAncestor(this.commits, request.expectedHash, head0)) {
        throw new CatalogConflictError(
          `catalog commit conflict: ${request.expectedHash.slice(0, 12)} is not on branch ${branch}`,
          tables,
        );
      }
      this.assertUnchanged(branch, request.expectedHash, head0, tables);
    }

    // Apply the changes to the tables as they are at head0 and write the new metadata files.
    const contents0 = this.commits.contents(head0);
    const locations: Record<TableName, string> = {};
    const nowMs = this.now();
    for (const change of request.changes) {
      const location0 = contents0.get(change.table);
      const current = location0 === undefined ? undefined : await this.readMetadata(change.table, location0);
      checkRequirements(change.table, current, change.requirements);
      const next = applyUpdates(current, change.updates, {
        nowMs,
        previousFile: location0,
        table: change.table,
      });
      locations[change.table] = await this.writeMetadata(next);
    }
    crashPoint('catalog:after-metadata-write');
    await this.beforeRefUpdate?.('commit');

    const info = this.db
      .transaction((): CommitInfo => {
        const head1 = this.headOf(branch);
        if (head1 !== head0) this.assertUnchanged(branch, head0, head1, tables);
        const contents = this.commits.contents(head1);
        for (const [table, location] of Object.entries(locations)) contents.set(table, location);
        return this.insertCommit({
          branch,
          parent: head1,
          mergeParent: null,
          message: request.message,
          author: request.author,
          contents,
          changed: tables,
        });
      })
      .immediate();
    return { branch: { name: branch, hash: info.hash }, commit: info, metadataLocations: locations };
  }

  async merge(request: MergeRequest): Promise<CommitResult> {
    const { from, into } = request;
    const fromHead = this.headOf(from);
    const intoHead0 = this.headOf(into);
    if (request.expectedHash !== undefined && intoHead0 !== request.expectedHash) {
      throw new CatalogConflictError(
        `catalog merge conflict: ${into} is at ${intoHead0.slice(0, 12)}, not ${request.expectedHash.slice(0, 12)}`,
        [],
      );
    }
    const base = mergeBase(this.commits, fromHead, intoHead0) ?? ROOT_HASH;
    const fromContents = this.commits.contents(fromHead);
    const brought = changedTables(this.commits, base, fromHead);
    if (brought.length === 0) return { branch: { name: into, hash: intoHead0 }, metadataLocations: {} };
    const conflicts = (intoHead: string) => {
      const changedOnTarget = new Set(changedTables(this.commits, base, intoHead));
      const overlap = brought.filter((t) => changedOnTarget.has(t));
      if (overlap.length > 0) {
        throw new CatalogConflictError(
          `catalog merge conflict: ${into} changed ${overlap.join(', ')} since ${from} branched off; nothing merged`,
          overlap,
        );
      }
    };
    conflicts(intoHead0);
    await this.beforeRefUpdate?.('merge');
    const info = this.db
      .transaction((): CommitInfo => {
        const intoHead1 = this.headOf(into);
        if (intoHead1 !== intoHead0) {
          if (request.expectedHash !== undefined) {
            throw new CatalogConflictError(`catalog merge conflict: ${into} moved during the merge`, brought);
          }
          conflicts(intoHead1);
        }
        const contents = this.commits.contents(intoHead1);
        for (const table of brought) {
          const location = fromContents.get(table);
          if (location === undefined) contents.delete(table);
          else contents.set(table, location);
        }
        const message = request.message ?? `merge ${from} into ${into}`;
        return this.insertCommit({
          branch: into,
          parent: intoHead1,
          mergeParent: fromHead,
          message,
          author: request.author,
          contents,
          changed: brought,
        });
      })
      .immediate();
    const metadataLocations: Record<TableName, string> = {};
    for (const table of brought) {
      const location = fromContents.get(table);
      if (location !== undefined) metadataLocations[table] = location;
    }
    return { branch: { name: into, hash: info.hash }, commit: info, metadataLocations };
  }

  async log(ref: RefSpec, options: { limit?: number } = {}): Promise<CommitInfo[]> {
    return firstParentLog(this.commits, this.resolve(ref), options.limit).map((c) => this.info(c));
  }

  async listTables(ref: RefSpec): Promise<TableName[]> {
    return [...this.commits.contents(this.resolve(ref)).keys()].sort();
  }

  async loadTable(ref: RefSpec, table: TableName): Promise<LoadedTable> {
    parseTableName(table);
    const hash = this.resolve(ref);
    const contents = this.commits.contents(hash);
    const location = contents.get(table);
    if (location === undefined) {
      throw tableNotFound(table, ref, [...contents.keys()].sort());
    }
    const metadata = await this.readMetadata(table, location);
    await this.assertNotExpired(table, hash, ref);
    return { table, hash, metadataLocation: location, metadata };
  }

  /**
   * A commit that is no branch's head and older than the table's last snapshot expiry (on any branch, as
   * orphan removal counts it) may reference deleted files: reading it fails with CatalogExpiredError.
   */
  private async assertNotExpired(table: TableName, hash: string, ref: RefSpec): Promise<void> {
    const heads = new Set((await this.listBranches()).map((b) => b.hash));
    if (heads.has(hash)) return;
    let expiredBefore = 0;
    for (const head of heads) {
      const location = this.commits.contents(head).get(table);
      if (location === undefined) continue;
      const at = Number((await this.readMetadata(table, location)).properties[EXPIRED_BEFORE_PROPERTY] ?? 0);
      expiredBefore = Math.max(expiredBefore, at);
    }
    if (this.commits.commit(hash)!.timeMs < expiredBefore) {
      throw new CatalogExpiredError(
        `catalog: ${table} at ${describeRef(ref)} is older than its last snapshot expiry ` +
          `(${new Date(expiredBefore).toISOString()}); its files may be gone`,
      );
    }
  }

  async close(): Promise<void> {
    this.commits.close();
  }

  // ── internals ──────────────────────────────────────────────────────────────────────────────────

  private headOf(branch: string): string {
    const hash = this.commits.head(branch);
    if (hash === undefined) throw branchNotFound(branch, this.branchNames());
    return hash;
  }

  private branchNames(): string[] {
    return this.commits.refs().map((r) => r.name);
  }

  private info(commit: StoredCommit): CommitInfo {
    return {
      hash: commit.hash,
      parents: [...commit.parents],
      message: commit.message,
      author: commit.author,
      timeMs: commit.timeMs,
      tables: this.commits.changes(commit.hash),
    };
  }

  /** A ref as a commit hash: branch, branch@hash, a (prefix of a) hash, or a branch as of a time. */
  private resolve(ref: RefSpec): string {
    if (typeof ref !== 'string') {
      const hash = firstParentAsOf(this.commits, this.headOf(ref.branch), ref.asOfMs);
      if (hash !== undefined) return hash;
      throw new CatalogRefNotFoundError(
        `catalog: branch ${ref.branch} has no commit at or before ${new Date(ref.asOfMs).toISOString()}`,
        { ref: describeRef(ref) },
      );
    }
    const at = ref.indexOf('@');
    if (at >= 0) {
      this.headOf(ref.slice(0, at));
      return this.resolveHash(ref.slice(at + 1));
    }
    const branch = this.commits.head(ref);
    if (branch !== undefined) return branch;
    if (/^[0-9a-f]{6,64}$/.test(ref)) return this.resolveHash(ref);
    if (/^[0-9a-f]{1,5}$/.test(ref)) throw hashTooShort(ref, MIN_HASH_PREFIX, this.branchNames());
    throw branchNotFound(ref, this.branchNames());
  }

  private resolveHash(prefix: string): string {
    if (!/^[0-9a-f]*$/i.test(prefix)) throw commitNotFound(prefix);
    if (prefix.length < MIN_HASH_PREFIX) throw hashTooShort(prefix, MIN_HASH_PREFIX);
    const hashes = this.commits.hashesStartingWith(prefix, 2);
    if (hashes.length === 0) throw commitNotFound(prefix);
    if (hashes.length > 1) throw new CatalogError(`catalog commit prefix is ambiguous: ${prefix}`);
    return hashes[0]!;
  }

  private assertUnchanged(branch: string, from: string, to: string, tables: TableName[]): void {
    const changed = new Set(changedTables(this.commits, from, to));
    const overlap = tables.filter((t) => changed.has(t));
    if (overlap.length > 0) {
      throw new CatalogConflictError(
        `catalog commit conflict: ${overlap.join(', ')} changed on ${branch} since ${from.slice(0, 12)}; ` +
          'read the branch again and retry',
        overlap,
      );
    }
  }

  /** Inserts the commit (time from the catalog's clock) and moves the branch; inside a transaction. */
  private insertCommit(commit: NewCommit): CommitInfo {
    return this.info(this.commits.insert(commit, this.now()));
  }

  /** A table's metadata.json; CorruptMetadataError naming the table and file when it is not valid JSON. */
  private async readMetadata(table: TableName, location: string): Promise<TableMetadata> {
    const cached = this.metadataCache.get(location);
    if (cached) return cached;
    const bytes = await this.store.get(locationKey(this.store, location));
    let metadata: TableMetadata;
    try {
      metadata = JSON.parse(Buffer.from(bytes).toString('utf8')) as TableMetadata;
    } catch (error) {
      throw new CorruptMetadataError(table, location, (error as Error).message, { cause: error });
    }
    this.metadataCache.set(location, metadata);
    return metadata;
  }

  /**
   * Writes `<location>/metadata/<version>-<uuid>.metadata.json` and returns its URI. A table of a moved data
   * directory records where it now is: its location becomes this lake's URI of it (older files keep the
   * old path, which locationKey maps).
   */
  private async writeMetadata(written: TableMetadata): Promise<string> {
    const tableKey = locationKey(this.store, written.location);
    const here = this.store.uri(tableKey);
    const metadata = written.location === here ? written : { ...written, location: here };
    const version = String(metadata['metadata-log'].length + 1).padStart(5, '0');
    const key = `${tableKey}/metadata/${version}-${randomUUID()}.metadata.json`;
    await this.store.put(key, Buffer.from(JSON.stringify(metadata, null, 2)), {
      contentType: 'application/json',
    });
    const location = this.store.uri(key);
    this.metadataCache.set(location, metadata);
    return location;
  }
}

/**
 * Opens the embedded catalog at `file`, storing metadata in `store`.
 * @example const catalog = openEmbeddedCatalog({ file: path.join(config.dataDir, 'catalog', 'catalog.sqlite'), store });
 */
export function openEmbeddedCatalog(options: EmbeddedCatalogOptions): EmbeddedCatalog {
  return new EmbeddedCatalog(options);
}
