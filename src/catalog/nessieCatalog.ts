import { randomUUID } from 'node:crypto';
import {
  CatalogConflictError,
  CatalogError,
  CatalogExpiredError,
  CatalogNotFoundError,
  CatalogRefNotFoundError,
  CatalogTableNotFoundError,
} from '../errors.js';
import type { LoadedTable } from '../iceberg/tableChange.js';
import { parseTableName, type TableName } from '../iceberg/tableName.js';
import type { TableMetadata } from '../iceberg/types.js';
import {
  DEFAULT_RETRY_POLICY,
  isRetriable,
  type RetryEffects,
  type RetryPolicy,
  withRetry,
} from '../util/retry.js';
import { EXPIRED_BEFORE_PROPERTY } from './maintenance.js';
import {
  commitInfo,
  mayRetry,
  type NessieLogEntry,
  type NessieReference,
  nessieAddress,
  notFoundError,
} from './nessieWire.js';
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

export interface NessieCatalogOptions {
  /** The server root, e.g. http://nessie:19120 (the REST API is under /api/v2, Iceberg REST under /iceberg). */
  uri: string;
  /** Bearer token, when the server requires one. */
  token?: string;
  /** For tests: a fetch implementation. Default: the global fetch. */
  fetch?: typeof fetch;
  /** Retries of each request (nessieWire mayRetry says which). Default DEFAULT_RETRY_POLICY; openCatalog passes retryPolicyOf(config). */
  retry?: RetryPolicy;
  /** For tests: the retry's sleep and jitter. */
  retryEffects?: RetryEffects;
}

const TXN_PROPERTY = 'lambda-iot-txn';

/** Said of a change that failed in a way that does not tell whether the server applied it. */
const unknownOutcome = ' (outcome unknown: not retried; check the branch before running again)';

/** The shortest commit-hash prefix this adapter sends to Nessie. */
export const NESSIE_MIN_HASH_PREFIX = 8;

/**
 * The catalog port over a Nessie server: refs, history and merges through Nessie's REST API v2, table
 * metadata and multi-table commits through its Iceberg REST catalog (`/iceberg/v1/{prefix}/…`, the prefix
 * read from `GET /iceberg/{ref}/v1/config`). A port commit is forwarded unchanged as one
 * `transactions/commit` whose prefix names `branch@expectedHash`; Nessie applies the updates and writes
 * metadata.json. HTTP 409 becomes CatalogConflictError, 404 CatalogRefNotFoundError or
 * CatalogTableNotFoundError (nessieWire.ts). Protocol-tested only (against a fixture that validates every Iceberg REST exchange with the official OpenAPI document).
 * @example const catalog = new NessieCatalog({ uri: 'http://localhost:19120' });
 */
export class NessieCatalog implements Catalog {
  readonly kind = 'nessie' as const;
  private readonly fetch: typeof fetch;
  /** The server's address (safe to print) and the Authorization header: see nessieAddress. */
  private readonly root: string;
  private readonly authorization: string | undefined;
  private warehouse: string | undefined | null = null;

  constructor(private readonly options: NessieCatalogOptions) {
    this.fetch = options.fetch ?? fetch;
    ({ root: this.root, authorization: this.authorization } = nessieAddress(options.uri, options.token));
  }

  describe(): string {
    return `nessie ${this.root}`;
  }

  /** One HTTP request with the retries its kind allows (mayRetry), through util/retry's withRetry. */
  private request<T>(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<T> {
    return withRetry(
      `nessie ${method} ${path}`,
      this.options.retry ?? DEFAULT_RETRY_POLICY,
      () => this.send<T>(method, path, body, headers),
      // A conflict is retriable for the caller (redo the change), never by sending the same request again.
      {
        retryIf: (e) => isRetriable(e) && !(e instanceof CatalogConflictError),
        ...this.options.retryEffects,
      },
    );
  }

  private async send<T>(
    method: string,
    path: string,
    body: unknown,
    headers: Record<string, string>,
  ): Promise<T> {
    let response: Response;
    try {
      response = await this.fetch(`${this.root}${path}`, {
        method,
        headers: {
          accept: 'application/json',
          'Nessie-Client-Spec': '2',
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...(this.authorization ? { authorization: this.authorization } : {}),
          ...headers,
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (error) {
      const retriable = mayRetry(method, 'network');
      throw new CatalogError(
        `nessie ${method} ${path}: cannot reach ${this.root} (check LAMBDA_IOT_NESSIE_URI)${retriable ? '' : unknownOutcome}`,
        { cause: error, retriable },
      );
    }
    const text = await response.text();
    let json: Record<string, unknown> = {};
    try {
      json = text ? (JSON.parse(text) as Record<string, unknown>) : {};
    } catch {
      // A proxy's HTML error page or similar: keep the status and the start of the text.
      json = { message: text.slice(0, 200) };
    }
    if (response.ok) return json as T;
    const error = (json.error ?? json) as {
      message?: string;
      errorDetails?: { conflicts?: { key?: { elements?: string[] } }[] };
    };
    const message = `nessie ${method} ${path}: ${response.status} ${error.message ?? response.statusText}`;
    if (response.status === 409) {
      const tables = (error.errorDetails?.conflicts ?? [])
        .map((c) => c.key?.elements?.join('.'))
        .filter((t): t is string => t !== undefined);
      throw new CatalogConflictError(message, tables);
    }
    if (response.status === 404) throw notFoundError(path, json, message);
    const retriable = mayRetry(method, response);
    const unknown = !retriable && response.status >= 500 && method !== 'GET';
    throw new CatalogError(`${message}${unknown ? unknownOutcome : ''}`, { retriable });
  }

  /** The Iceberg REST prefix for a ref (`main`, `main@hash`), with the server's warehouse when it uses one. */
  private async prefix(ref: string): Promise<string> {
    if (this.warehouse === null) {
      const config = await this.request<{ defaults?: Record<string, string> }>(
        'GET',
        `/iceberg/${encodeURIComponent(MAIN_BRANCH)}/v1/config`,
      );
      const prefix = decodeURIComponent(config.defaults?.prefix ?? MAIN_BRANCH);
      this.warehouse = prefix.includes('|') ? prefix.slice(prefix.indexOf('|') + 1) : undefined;
    }
    return encodeURIComponent(this.warehouse === undefined ? ref : `${ref}|${this.warehouse}`);
  }

  /** A port ref as a Nessie path element: `name`, `name@hash`, `@hash` or `name*millis`. */
  private refPath(ref: RefSpec): string {
    if (typeof ref !== 'string') return `${ref.branch}*${ref.asOfMs}`;
    const hash = ref.includes('@') ? ref.slice(ref.indexOf('@') + 1) : undefined;
    if (hash !== undefined && hash.length < NESSIE_MIN_HASH_PREFIX)
      throw hashTooShort(hash, NESSIE_MIN_HASH_PREFIX);
    if (ref.includes('@') || /^[0-9a-f]{8,64}$/.test(ref)) return ref.includes('@') ? ref : `@${ref}`;
    return ref;
  }

  /** A ref resolved to `name@hash` (Iceberg responses do not say which commit they read). */
  private async pinned(ref: RefSpec): Promise<{ path: string; hash: string; timeMs: number }> {
    const path = this.refPath(ref);
    const [entry] = await this.onRef(ref, () => this.history(path, 1));
    if (!entry) throw new CatalogRefNotFoundError(`catalog: no commit at ${describeRef(ref)}`, { ref: path });
    const name = path.startsWith('@') ? '' : path.split(/[@*]/)[0]!;
    return {
      path: `${name}@${entry.commitMeta.hash}`,
      hash: entry.commitMeta.hash,
      timeMs: entry.commitMeta.commitTime ? Date.parse(entry.commitMeta.commitTime) : 0,
    };
  }

  /**
   * Runs a request about `ref`; a ref-not-found reply becomes a message that says what exists: the
   * branches, or that a hash is too short.
   */
  private async onRef<T>(ref: RefSpec, request: () => Promise<T>): Promise<T> {
    try {
      return await request();
    } catch (error) {
      if (!(error instanceof CatalogRefNotFoundError)) throw error;
      const text = typeof ref === 'string' ? ref : ref.branch;
      const name = text.includes('@') ? text.slice(0, text.indexOf('@')) : text;
      const branches = (await this.listBranches()).map((b) => b.name);
      if (name === '' || branches.includes(name)) throw commitNotFound(describeRef(ref), error);
      if (/^[0-9a-f]{1,7}$/.test(name)) throw hashTooShort(name, NESSIE_MIN_HASH_PREFIX, branches);
      throw branchNotFound(name, branches, error);
    }
  }

  private async history(path: string, limit?: number): Promise<NessieLogEntry[]> {
    const query = `fetch=ALL${limit === undefined ? '' : `&max-records=${limit}`}`;
    const result = await this.request<{ logEntries?: NessieLogEntry[] }>(
      'GET',
      `/api/v2/trees/${encodeURIComponent(path)}/history?${query}`,
    );
    return (result.logEntries ?? []).slice(0, limit);
  }

  async listBranches(): Promise<Branch[]> {
    const result = await this.request<{ references: NessieReference[] }>('GET', '/api/v2/trees');
    return result.references
      .filter((r) => r.type === 'BRANCH')
      .map((r) => ({ name: r.name, hash: r.hash }))
      .sort((a, b) => (a.name < b.name ? -1 : 1));
  }

  async getBranch(name: string): Promise<Branch> {
    const result = await this.onRef(name, () =>
      this.request<{ reference: NessieReference }>('GET', `/api/v2/trees/${encodeURIComponent(name)}`),
    );
    return { name: result.reference.name, hash: result.reference.hash };
  }

  async createBranch(name: string, from: RefSpec = MAIN_BRANCH): Promise<Branch> {
    const source = await this.pinned(from);
    const sourceName = typeof from === 'string' && !from.includes('@') ? from : MAIN_BRANCH;
    const result = await this.request<{ reference: NessieReference }>(
      'POST',
      `/api/v2/trees?name=${encodeURIComponent(name)}&type=BRANCH`,
      { type: 'BRANCH', name: sourceName, hash: source.hash },
    );
    return { name: result.reference.name, hash: result.reference.hash };
  }

  async deleteBranch(name: string, expectedHash?: string): Promise<void> {
    const hash = expectedHash ?? (await this.getBranch(name)).hash;
    await this.request('DELETE', `/api/v2/trees/${encodeURIComponent(`${name}@${hash}`)}?type=BRANCH`);
  }

  async commit(request: CommitRequest): Promise<CommitResult> {
    for (const change of request.changes) {
      if (change.requirements.some((r) => r.type === 'assert-create')) {
        await this.ensureNamespace(request.branch, parseTableName(change.table).namespace);
      }
    }
    const txn = randomUUID();
    await this.request(
      'POST',
      `/iceberg/v1/${await this.prefix(`${request.branch}@${request.expectedHash}`)}/transactions/commit`,
      {
        'table-changes': request.changes.map((c) => {
          const { namespace, table } = parseTableName(c.table);
          return {
            identifier: { namespace: [namespace], name: table },
            requirements: c.requirements,
            updates: c.updates,
          };
        }),
      },
      {
        'Nessie-Commit-Message': request.message.replace(/\s+/g, ' '),
        'Nessie-Commit-Authors': request.author ?? 'lambda-iot',
        [`Nessie-Commit-Property-${TXN_PROPERTY}`]: txn,
      },
    );
    // The reply has no body: find the commit by its transaction property.
    const entry = (await this.history(request.branch, 50)).find((e) =>
      (e.commitMeta.allProperties?.[TXN_PROPERTY] ?? []).includes(txn),
    );
    if (!entry) throw new CatalogError(`nessie commit ${txn} not found in the history of ${request.branch}`);
    const info = commitInfo(entry);
    const metadataLocations: Record<TableName, string> = {};
    for (const c of request.changes)
      metadataLocations[c.table] = (
        await this.loadTable(`${request.branch}@${info.hash}`, c.table)
      ).metadataLocation;
    return { branch: { name: request.branch, hash: info.hash }, commit: info, metadataLocations };
  }

  private async ensureNamespace(branch: string, namespace: string): Promise<void> {
    try {
      await this.request('POST', `/iceberg/v1/${await this.prefix(branch)}/namespaces`, {
        namespace: [namespace],
        properties: {},
      });
    } catch (error) {
      if (!(error instanceof CatalogConflictError)) throw error;
    }
  }

  async merge(request: MergeRequest): Promise<CommitResult> {
    const into = request.expectedHash ?? (await this.getBranch(request.into)).hash;
    const from = await this.getBranch(request.from);
    const result = await this.request<{ wasApplied?: boolean; resultantTargetHash?: string }>(
      'POST',
      `/api/v2/trees/${encodeURIComponent(`${request.into}@${into}`)}/history/merge`,
      {
        fromRefName: request.from,
        fromHash: from.hash,
        commitMeta: {
          message: request.message ?? `merge ${request.from} into ${request.into}`,
          authors: [request.author ?? 'lambda-iot'],
        },
      },
    );
    const hash = result.resultantTargetHash ?? into;
    if (!result.wasApplied || hash === into)
      return { branch: { name: request.into, hash }, metadataLocations: {} };
    const [entry] = await this.history(`${request.into}@${hash}`, 1);
    const info = commitInfo(entry!);
    const metadataLocations: Record<TableName, string> = {};
    for (const table of info.tables)
      metadataLocations[table] = (await this.loadTable(`${request.into}@${hash}`, table)).metadataLocation;
    return { branch: { name: request.into, hash }, commit: info, metadataLocations };
  }

  async log(ref: RefSpec, options: { limit?: number } = {}): Promise<CommitInfo[]> {
    const path = this.refPath(ref);
    return (await this.onRef(ref, () => this.history(path, options.limit))).map(commitInfo);
  }

  async listTables(ref: RefSpec): Promise<TableName[]> {
    const path = this.refPath(ref);
    const result = await this.onRef(ref, () =>
      this.request<{ entries?: { type: string; name: { elements: string[] } }[] }>(
        'GET',
        `/api/v2/trees/${encodeURIComponent(path)}/entries`,
      ),
    );
    return (result.entries ?? [])
      .filter((e) => e.type === 'ICEBERG_TABLE')
      .map((e) => e.name.elements.join('.'))
      .sort();
  }

  async loadTable(ref: RefSpec, table: TableName): Promise<LoadedTable> {
    const pinned = await this.pinned(ref);
    await this.assertNotExpired(table, pinned);
    const result = await this.fetchTable(pinned.path, table).catch(async (error: unknown) => {
      if (!(error instanceof CatalogTableNotFoundError)) throw error;
      throw tableNotFound(table, ref, await this.listTables(pinned.path), error);
    });
    return {
      table,
      hash: pinned.hash,
      metadataLocation: result['metadata-location'],
      metadata: result.metadata,
    };
  }

  /** A table as the Iceberg REST catalog returns it at a pinned ref (`name@hash`). */
  private async fetchTable(
    pinnedPath: string,
    table: TableName,
  ): Promise<{ 'metadata-location': string; metadata: TableMetadata }> {
    const { namespace, table: name } = parseTableName(table);
    return this.request(
      'GET',
      `/iceberg/v1/${await this.prefix(pinnedPath)}/namespaces/${encodeURIComponent(namespace)}/tables/${encodeURIComponent(name)}`,
    );
  }

  /** As the embedded catalog: a commit that is no branch head and older than the table's last expiry is refused. */
  private async assertNotExpired(
    table: TableName,
    pinned: { path: string; hash: string; timeMs: number },
  ): Promise<void> {
    const heads = await this.listBranches();
    if (heads.some((b) => b.hash === pinned.hash)) return;
    let expiredBefore = 0;
    for (const head of heads) {
      // No such table on that head, or the branch was deleted since it was listed: nothing expired there.
      const at = await this.fetchTable(`${head.name}@${head.hash}`, table).catch((error: unknown) => {
        if (error instanceof CatalogNotFoundError) return undefined;
        throw error;
      });
      expiredBefore = Math.max(expiredBefore, Number(at?.metadata.properties[EXPIRED_BEFORE_PROPERTY] ?? 0));
    }
    if (pinned.timeMs < expiredBefore) {
      throw new CatalogExpiredError(
        `catalog: ${table} at ${pinned.path} is older than its last snapshot expiry (${new Date(expiredBefore).toISOString()}); its files may be gone`,
      );
    }
  }

  async close(): Promise<void> {}
}
