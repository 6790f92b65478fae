import type { LoadedTable, TableChange } from '../iceberg/tableChange.js';
import type { TableName } from '../iceberg/tableName.js';

/**
 * The catalog port, with Nessie's semantics: named branches point at commits; a commit changes one or
 * more tables atomically; a merge brings a branch's table changes into another branch atomically. A
 * commit carries per table the Iceberg REST requirements and updates (the shape an Iceberg REST catalog
 * takes in `transactions/commit`); the catalog, not the caller, applies them and writes metadata.json.
 */

/** The default branch. */
export const MAIN_BRANCH = 'main';

export interface Branch {
  name: string;
  /** The commit the branch points at. */
  hash: string;
}

export interface CommitRequest {
  branch: string;
  /**
   * The branch head the changes were made on. If the branch has moved since, the commit still goes in
   * when none of its tables changed meanwhile (as in Nessie); otherwise CatalogConflictError.
   */
  expectedHash: string;
  message: string;
  author?: string;
  changes: TableChange[];
}

export interface CommitInfo {
  hash: string;
  /** First parent, then (for a merge) the merged branch's head. */
  parents: string[];
  message: string;
  author: string;
  timeMs: number;
  /** Tables this commit changed (for a merge: the tables it brought in). */
  tables: TableName[];
}

export interface CommitResult {
  /** The branch after the commit. */
  branch: Branch;
  /** The new commit; undefined when a merge had nothing to bring in. */
  commit?: CommitInfo;
  /** Metadata location of each changed table after the commit. */
  metadataLocations: Record<TableName, string>;
}

export interface MergeRequest {
  /** The branch whose changes are merged. */
  from: string;
  /** The branch that receives them (usually main). */
  into: string;
  /** When given, the merge fails with CatalogConflictError if `into` is no longer at this hash. */
  expectedHash?: string;
  message?: string;
  author?: string;
}

/**
 * Where to read: a branch name, `branch@hash` or a bare commit hash, or a branch as of a time (the last
 * commit made at or before `asOfMs`).
 */
export type RefSpec = string | { branch: string; asOfMs: number };

export interface Catalog {
  readonly kind: 'embedded' | 'nessie';
  /** Where the catalog is, for messages; never contains a secret. */
  describe(): string;
  listBranches(): Promise<Branch[]>;
  /** Throws CatalogRefNotFoundError (a CatalogNotFoundError) for an unknown branch, listing the branches. */
  getBranch(name: string): Promise<Branch>;
  /** Creates a branch at the head of `from` (default main); throws CatalogError if it exists. */
  createBranch(name: string, from?: RefSpec): Promise<Branch>;
  /** Deletes a branch (not main); with `expectedHash`, only if it still points there. */
  deleteBranch(name: string, expectedHash?: string): Promise<void>;
  commit(request: CommitRequest): Promise<CommitResult>;
  /**
   * Merges every table `from` changed since the two branches diverged into `into`, in one commit;
   * CatalogConflictError naming the tables when `into` changed any of them meanwhile.
   */
  merge(request: MergeRequest): Promise<CommitResult>;
  /** Commits reachable from ref by first parents, newest first. */
  log(ref: RefSpec, options?: { limit?: number }): Promise<CommitInfo[]>;
  listTables(ref: RefSpec): Promise<TableName[]>;
  /**
   * Throws CatalogTableNotFoundError when the table does not exist at that ref (listing the tables there),
   * CatalogRefNotFoundError when the ref does not; both are CatalogNotFoundErrors.
   */
  loadTable(ref: RefSpec, table: TableName): Promise<LoadedTable>;
  close(): Promise<void>;
}
