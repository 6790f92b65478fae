import { type CatalogNotFoundError, CatalogRefNotFoundError, CatalogTableNotFoundError } from '../errors.js';
import { splitUrlCredentials } from '../util/urlCredentials.js';
import type { CommitInfo } from './port.js';

/** What Nessie's REST API v2 sends, as far as the adapter reads it. */
export interface NessieReference {
  type: string;
  name: string;
  hash: string;
}

export interface NessieLogEntry {
  commitMeta: {
    hash: string;
    message: string;
    authors?: string[];
    commitTime?: string;
    parentCommitHashes?: string[];
    allProperties?: Record<string, string[]>;
  };
  parentCommitHash?: string;
  operations?: { key: { elements: string[] } }[];
}

/**
 * A 404 as the kit's error: a table (Nessie's CONTENT_NOT_FOUND, Iceberg's NoSuchTable/NoSuchNamespace,
 * or any other miss of the Iceberg REST table routes) or a ref (everything under /api/v2/trees).
 */
export function notFoundError(
  path: string,
  body: Record<string, unknown>,
  message: string,
): CatalogNotFoundError {
  const code = String(body.errorCode ?? '');
  const type = String((body.error as { type?: unknown } | undefined)?.type ?? '');
  const tree = /^\/api\/v2\/trees\/([^/?]+)/.exec(path);
  const table =
    code === 'CONTENT_NOT_FOUND' ||
    /NoSuch(Table|Namespace)/.test(type) ||
    (tree === null && !/Reference|Branch/.test(type));
  if (table) return new CatalogTableNotFoundError(message);
  return new CatalogRefNotFoundError(message, { ref: tree ? decodeURIComponent(tree[1]!) : undefined });
}

/** A Nessie log entry as a port commit. */
export function commitInfo(entry: NessieLogEntry): CommitInfo {
  const meta = entry.commitMeta;
  return {
    hash: meta.hash,
    parents: meta.parentCommitHashes ?? (entry.parentCommitHash ? [entry.parentCommitHash] : []),
    message: meta.message,
    author: meta.authors?.[0] ?? '',
    timeMs: meta.commitTime ? Date.parse(meta.commitTime) : 0,
    tables: [...new Set((entry.operations ?? []).map((o) => o.key.elements.join('.')))].sort(),
  };
}

/**
 * Whether a failed Nessie request may be sent again. 429 (too many requests) is refused before anything
 * is done, so any request may be retried. A 503 or a network failure may hit a request after the server
 * acted on it: a read (GET) is retried; a change (a commit, a merge, a branch or namespace created or
 * deleted) is not, since its outcome is unknown and sending it again could apply it twice. Other statuses
 * are not retried.
 */
export function mayRetry(method: string, failure: { status: number } | 'network'): boolean {
  if (failure !== 'network' && failure.status === 429) return true;
  if (failure !== 'network' && failure.status !== 503) return false;
  return method === 'GET';
}

/**
 * The Nessie root to print and send to (without any user:password written in the URI) and the
 * Authorization header: the bearer token, else Basic with the URI's user:password, else none.
 */
export function nessieAddress(uri: string, token?: string): { root: string; authorization?: string } {
  const { address, basic } = splitUrlCredentials(uri);
  const authorization = token
    ? `Bearer ${token}`
    : basic
      ? `Basic ${Buffer.from(`${basic.username}:${basic.password}`).toString('base64')}`
      : undefined;
  return { root: address, ...(authorization ? { authorization } : {}) };
}
