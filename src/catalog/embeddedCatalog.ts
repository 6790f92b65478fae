import { createHash, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { CatalogConflictError, CatalogError, CatalogExpiredError, CatalogNotFoundError } from '../errors.js';
import { applyUpdates, checkRequirements } from '../iceberg/metadata.js';
import type { LoadedTable } from '../iceberg/tableChange.js';
import { parseTableName, type TableName } from '../iceberg/tableName.js';
import type { TableMetadata } from '../iceberg/types.js';
import type { ObjectStore } from '../store/objectStore.js';
import { crashPoint } from '../testing/crash.js';
import { EXPIRED_BEFORE_PROPERTY } from './maintenance.js';
import { assertBranchName } from './names.js';
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

/** The hash of the empty root commit every catalog starts from. */
export const ROOT_HASH = createHash('sha256').update('lambda-iot-kit catalog root').digest('hex');

export interface EmbeddedCatalogOptions {
  /** The SQLite file (created with its folder when missing). */
  file: string;
  /** Where metadata files are written and read. */
  store: ObjectStore;
  /** Wall clock for commit times. Default Date.now. */
  now?: () => number;
  /** Test hooks: runs after metadata files are written and before the branch moves (commit and merge). */
  beforeRefUpdate?: (operation: 'commit' | 'merge') => Promise<void> | void;
}

interface CommitRow {
  hash: string;
  parent: string | null;
  merge_parent: string | null;
  message: string;
  author: string;
  time_ms: number;
}

const SCHEMA = `
create table if not exists commits (
  hash text primary key, parent text, merge_parent text,
  message text not null, author text not null, time_ms integer not null
);
create table if not exists commit_contents (
  hash text not null, table_name text not null, metadata_location text not null,
  primary key (hash, table_name)
);
create table if not exists commit_changes (
  hash text not null, table_name text not null, primary key (hash, table_name)
);
create table if not exists refs (name text primary key, hash text not null);
`;

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
  private readonly db: Database.Database;
  private readonly store: ObjectStore;
  private readonly now: () => number;
  private readonly beforeRefUpdate?: EmbeddedCatalogOptions['beforeRefUpdate'];
  private readonly metadataCache = new Map<string, TableMetadata>();

  constructor(private readonly options: EmbeddedCatalogOptions) {
    this.store = options.store;
    this.now = options.now ?? Date.now;
    this.beforeRefUpdate = options.beforeRefUpdate;
    fs.mkdirSync(path.dirname(options.file), { recursive: true });
    this.db = new Database(options.file, { timeout: 15_000 });
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = FULL');
    this.db.exec(SCHEMA);
    this.db
      .transaction(() => {
        const root = this.db.prepare('select 1 from commits where hash = ?').get(ROOT_HASH);
        if (!root) {
          this.db
            .prepare(
              'insert into commits (hash, parent, merge_parent, message, author, time_ms) values (?, null, null, ?, ?, ?)',
            )
            .run(ROOT_HASH, 'catalog created', 'lambda-iot', this.now());
        }
        this.db.prepare('insert or ignore into refs (name, hash) values (?, ?)').run(MAIN_BRANCH, ROOT_HASH);
      })
      .immediate();
  }

  describe(): string {
    return `embedded ${this.options.file}`;
  }

  async listBranches(): Promise<Branch[]> {
    return this.db.prepare('select name, hash from refs order by name').all() as Branch[];
  }

  async getBranch(name: string): Promise<Branch> {
    return { name, hash: this.headOf(name) };
  }

  async createBranch(name: string, from: RefSpec = MAIN_BRANCH): Promise<Branch> {
    assertBranchName(name);
    const hash = this.resolve(from);
    const inserted = this.db.prepare('insert or ignore into refs (name, hash) values (?, ?)').run(name, hash);
    if (inserted.changes === 0) throw new CatalogError(`catalog branch exists: ${name}`);
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
        this.db.prepare('delete from refs where name = ?').run(name);
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
    if (!this.commitRow(request.expectedHash)) {
      throw new CatalogNotFoundError(`catalog commit not found: ${request.expectedHash}`);
    }
    if (head0 !== request.expectedHash) {
      if (!this.isAncestor(request.expectedHash, head0)) {
        throw new CatalogConflictError(
          `catalog commit conflict: ${request.expectedHash.slice(0, 12)} is not on branch ${branch}`,
          tables,
        );
      }
      this.assertUnchanged(branch, request.expectedHash, head0, tables);
    }

    // Apply the changes to the tables as they are at head0 and write the new metadata files.
    const contents0 = this.contents(head0);
    const locations: Record<TableName, string> = {};
    const nowMs = this.now();
    for (const change of request.changes) {
      const location0 = contents0.get(change.table);
      const current = location0 === undefined ? undefined : await this.readMetadata(location0);
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
        const contents = this.contents(head1);
        for (const [table, location] of Object.entries(locations)) contents.set(table, location);
        return this.insertCommit(branch, head1, null, request.message, request.author, contents, tables);
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
    const base = this.mergeBase(fromHead, intoHead0);
    const fromContents = this.contents(fromHead);
    const brought = this.changedTables(base, fromHead);
    if (brought.length === 0) return { branch: { name: into, hash: intoHead0 }, metadataLocations: {} };
    const conflicts = (intoHead: string) => {
      const changedOnTarget = new Set(this.changedTables(base, intoHead));
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
        const contents = this.contents(intoHead1);
        for (const table of brought) {
          const location = fromContents.get(table);
          if (location === undefined) contents.delete(table);
          else contents.set(table, location);
        }
        const message = request.message ?? `merge ${from} into ${into}`;
        return this.insertCommit(into, intoHead1, fromHead, message, request.author, contents, brought);
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
    const out: CommitInfo[] = [];
    let hash: string | null = this.resolve(ref);
    const limit = options.limit ?? Number.POSITIVE_INFINITY;
    while (hash !== null && out.length < limit) {
      const row: CommitRow = this.commitRow(hash)!;
      out.push(this.info(row));
      hash = row.parent;
    }
    return out;
  }

  async listTables(ref: RefSpec): Promise<TableName[]> {
    return [...this.contents(this.resolve(ref)).keys()].sort();
  }

  async loadTable(ref: RefSpec, table: TableName): Promise<LoadedTable> {
    parseTableName(table);
    const hash = this.resolve(ref);
    const location = this.contents(hash).get(table);
    if (location === undefined) {
      throw new CatalogNotFoundError(
        `catalog table not found: ${table} at ${typeof ref === 'string' ? ref : `${ref.branch} as of ${new Date(ref.asOfMs).toISOString()}`}`,
      );
    }
    const metadata = await this.readMetadata(location);
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
      const location = this.contents(head).get(table);
      if (location === undefined) continue;
      const at = Number((await this.readMetadata(location)).properties[EXPIRED_BEFORE_PROPERTY] ?? 0);
      expiredBefore = Math.max(expiredBefore, at);
    }
    const row = this.commitRow(hash)!;
    if (row.time_ms < expiredBefore) {
      throw new CatalogExpiredError(
        `catalog: ${table} at ${typeof ref === 'string' ? ref : hash.slice(0, 12)} is older than its last snapshot expiry ` +
          `(${new Date(expiredBefore).toISOString()}); its files may be gone`,
      );
    }
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }

  // ── internals ──────────────────────────────────────────────────────────────────────────────────

  private headOf(branch: string): string {
    const row = this.db.prepare('select hash from refs where name = ?').get(branch) as
      | { hash: string }
      | undefined;
    if (!row) throw new CatalogNotFoundError(`catalog branch not found: ${branch}`);
    return row.hash;
  }

  private commitRow(hash: string): CommitRow | undefined {
    return this.db.prepare('select * from commits where hash = ?').get(hash) as CommitRow | undefined;
  }

  private info(row: CommitRow): CommitInfo {
    const tables = (
      this.db
        .prepare('select table_name from commit_changes where hash = ? order by table_name')
        .all(row.hash) as {
        table_name: string;
      }[]
    ).map((r) => r.table_name);
    return {
      hash: row.hash,
      parents: [row.parent, row.merge_parent].filter((p): p is string => p !== null),
      message: row.message,
      author: row.author,
      timeMs: row.time_ms,
      tables,
    };
  }

  /** A ref as a commit hash: branch, branch@hash, a (prefix of a) hash, or a branch as of a time. */
  private resolve(ref: RefSpec): string {
    if (typeof ref !== 'string') {
      let hash: string | null = this.headOf(ref.branch);
      while (hash !== null) {
        const row: CommitRow = this.commitRow(hash)!;
        if (row.time_ms <= ref.asOfMs) return row.hash;
        hash = row.parent;
      }
      throw new CatalogNotFoundError(
        `catalog: branch ${ref.branch} has no commit at or before ${new Date(ref.asOfMs).toISOString()}`,
      );
    }
    const at = ref.indexOf('@');
    if (at >= 0) {
      this.headOf(ref.slice(0, at));
      return this.resolveHash(ref.slice(at + 1));
    }
    const branch = this.db.prepare('select hash from refs where name = ?').get(ref) as
      | { hash: string }
      | undefined;
    if (branch) return branch.hash;
    if (/^[0-9a-f]{6,64}$/.test(ref)) return this.resolveHash(ref);
    throw new CatalogNotFoundError(`catalog branch not found: ${ref}`);
  }

  private resolveHash(prefix: string): string {
    const rows = this.db
      .prepare("select hash from commits where hash like ? || '%' limit 2")
      .all(prefix.toLowerCase()) as { hash: string }[];
    if (rows.length === 0) throw new CatalogNotFoundError(`catalog commit not found: ${prefix}`);
    if (rows.length > 1) throw new CatalogError(`catalog commit prefix is ambiguous: ${prefix}`);
    return rows[0]!.hash;
  }

  private contents(hash: string): Map<TableName, string> {
    const rows = this.db
      .prepare('select table_name, metadata_location from commit_contents where hash = ?')
      .all(hash) as { table_name: string; metadata_location: string }[];
    return new Map(rows.map((r) => [r.table_name, r.metadata_location]));
  }

  /** Tables whose metadata differs between two commits. */
  private changedTables(from: string, to: string): TableName[] {
    if (from === to) return [];
    const a = this.contents(from);
    const b = this.contents(to);
    const names = new Set([...a.keys(), ...b.keys()]);
    return [...names].filter((t) => a.get(t) !== b.get(t)).sort();
  }

  private assertUnchanged(branch: string, from: string, to: string, tables: TableName[]): void {
    const changed = new Set(this.changedTables(from, to));
    const overlap = tables.filter((t) => changed.has(t));
    if (overlap.length > 0) {
      throw new CatalogConflictError(
        `catalog commit conflict: ${overlap.join(', ')} changed on ${branch} since ${from.slice(0, 12)}; ` +
          'read the branch again and retry',
        overlap,
      );
    }
  }

  /** Every commit reachable from hash (both parents). */
  private ancestors(hash: string): Set<string> {
    const seen = new Set<string>();
    const todo = [hash];
    while (todo.length > 0) {
      const h = todo.pop()!;
      if (seen.has(h)) continue;
      seen.add(h);
      const row = this.commitRow(h);
      if (row?.parent) todo.push(row.parent);
      if (row?.merge_parent) todo.push(row.merge_parent);
    }
    return seen;
  }

  private isAncestor(ancestor: string, of: string): boolean {
    return this.ancestors(of).has(ancestor);
  }

  /**
   * The best common ancestor of two heads: of the commits both reach, the latest (an ancestor of another
   * common ancestor is never later than it, so after syncing main into a branch the sync's merge parent wins).
   */
  private mergeBase(a: string, b: string): string {
    const reachable = this.ancestors(b);
    let best: CommitRow | undefined;
    for (const hash of this.ancestors(a)) {
      if (!reachable.has(hash)) continue;
      const row = this.commitRow(hash)!;
      const later = best === undefined || row.time_ms > best.time_ms;
      const tieButNewer =
        best !== undefined && row.time_ms === best.time_ms && this.isAncestor(best.hash, hash);
      if (later || tieButNewer) best = row;
    }
    return best?.hash ?? ROOT_HASH;
  }

  private insertCommit(
    branch: string,
    parent: string,
    mergeParent: string | null,
    message: string,
    author: string | undefined,
    contents: Map<TableName, string>,
    changed: TableName[],
  ): CommitInfo {
    const timeMs = this.now();
    const row: CommitRow = {
      hash: createHash('sha256')
        .update(JSON.stringify([parent, mergeParent, message, timeMs, [...contents].sort(), randomUUID()]))
        .digest('hex'),
      parent,
      merge_parent: mergeParent,
      message,
      author: author ?? 'lambda-iot',
      time_ms: timeMs,
    };
    this.db
      .prepare(
        'insert into commits (hash, parent, merge_parent, message, author, time_ms) values (@hash, @parent, @merge_parent, @message, @author, @time_ms)',
      )
      .run(row);
    const content = this.db.prepare(
      'insert into commit_contents (hash, table_name, metadata_location) values (?, ?, ?)',
    );
    for (const [table, location] of contents) content.run(row.hash, table, location);
    const change = this.db.prepare('insert into commit_changes (hash, table_name) values (?, ?)');
    for (const table of changed) change.run(row.hash, table);
    const moved = this.db
      .prepare('update refs set hash = ? where name = ? and hash = ?')
      .run(row.hash, branch, parent);
    if (moved.changes !== 1)
      throw new CatalogConflictError(`catalog branch ${branch} moved during the commit`, changed);
    return this.info(row);
  }

  private async readMetadata(location: string): Promise<TableMetadata> {
    const cached = this.metadataCache.get(location);
    if (cached) return cached;
    const bytes = await this.store.get(this.store.keyOf(location));
    const metadata = JSON.parse(Buffer.from(bytes).toString('utf8')) as TableMetadata;
    this.metadataCache.set(location, metadata);
    return metadata;
  }

  /** Writes `<location>/metadata/<version>-<uuid>.metadata.json` and returns its URI. */
  private async writeMetadata(metadata: TableMetadata): Promise<string> {
    const tableKey = this.store.keyOf(metadata.location);
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
