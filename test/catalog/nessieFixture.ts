import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import OpenAPIBackend from 'openapi-backend';
import YAML from 'yaml';
import type { EmbeddedCatalog } from '../../src/catalog/embeddedCatalog.js';
import type { RefSpec } from '../../src/catalog/port.js';
import {
  CatalogConflictError,
  CatalogNotFoundError,
  CatalogTableNotFoundError,
  KitError,
} from '../../src/errors.js';

/**
 * A local HTTP server that answers as Nessie does (REST API v2 for refs, history and merges; the Iceberg
 * REST catalog under /iceberg with a config prefix), backed by the kit's embedded catalog. Every Iceberg REST
 * request and response is validated against the official OpenAPI document; Nessie v2 responses are checked
 * against the shapes of the official examples. Problems are collected in `violations`, which a test expects
 * to be empty.
 */
export interface NessieFixture {
  uri: string;
  violations: string[];
  /** Every request seen, "METHOD path". */
  requests: string[];
  /**
   * The next `count` requests whose "METHOD path" matches are answered with `status` (a Nessie error body)
   * instead of being served.
   */
  failNext(status: number, count: number, match?: RegExp): void;
  close(): Promise<void>;
}

type Json = Record<string, unknown>;

export async function startNessieFixture(catalog: EmbeddedCatalog, specsDir: string): Promise<NessieFixture> {
  const iceberg = YAML.parse(
    fs.readFileSync(path.join(specsDir, 'iceberg-rest-catalog-open-api.yaml'), 'utf8'),
  );
  const examples = YAML.parse(fs.readFileSync(path.join(specsDir, 'nessie-openapi-examples.yaml'), 'utf8'))
    .components.examples as Record<string, { value: Json }>;
  // quick: the Iceberg document uses OpenAPI 3.1 keywords the 3.0 document validator rejects; requests and
  // responses are still validated with its schemas.
  // The package's default export is the class or a namespace holding it, depending on the loader.
  const module = OpenAPIBackend as unknown as { default?: BackendClass } & BackendClass;
  const Backend: BackendClass = module.default ?? module;
  const api = new Backend({
    definition: iceberg,
    quick: true,
    validate: true,
    ajvOpts: { strict: false, logger: false },
  });
  await api.init();
  const violations: string[] = [];
  const requests: string[] = [];
  const namespaces = new Set<string>();
  const properties = new Map<string, Record<string, string[]>>();

  const checkIcebergRequest = (method: string, route: string, body: unknown, operationId: string) => {
    const result = api.validateRequest(
      { method, path: route, body, headers: { 'content-type': 'application/json' } },
      operationId,
    );
    if (!result.valid)
      violations.push(`${operationId} request: ${JSON.stringify(result.errors).slice(0, 400)}`);
  };
  const checkIcebergResponse = (body: unknown, operationId: string, status: number) => {
    const result = api.validateResponse(body, operationId, status);
    if (!result.valid)
      violations.push(`${operationId} ${status} response: ${JSON.stringify(result.errors).slice(0, 400)}`);
  };
  /**
   * Compares a body with an official example: every key the example marks as required by the API must be
   * there, and no key may be one the example (or the v2 field names, which the v1-era examples predate)
   * does not know.
   */
  const checkShape = (body: Json, example: string, required: string[], v2Names: string[] = []) => {
    const known = new Set([...Object.keys(examples[example]!.value), ...v2Names]);
    const missing = required.filter((k) => !(k in body));
    const unknown = Object.keys(body).filter((k) => !known.has(k));
    if (missing.length > 0) violations.push(`${example}: lacks ${missing.join(', ')}`);
    if (unknown.length > 0) violations.push(`${example}: unknown ${unknown.join(', ')}`);
  };

  const refSpec = (element: string): RefSpec => {
    const star = element.indexOf('*');
    if (star > 0) return { branch: element.slice(0, star), asOfMs: Number(element.slice(star + 1)) };
    if (element.startsWith('@')) return element.slice(1);
    return element;
  };
  const decodePrefix = (prefix: string) => {
    const ref = decodeURIComponent(prefix);
    const at = ref.indexOf('@');
    return at < 0 ? { branch: ref, hash: undefined } : { branch: ref.slice(0, at), hash: ref.slice(at + 1) };
  };
  const icebergError = (status: number, type: string, message: string) => ({
    error: { message, type, code: status },
  });
  const nessieError = (status: number, message: string, details?: Json, errorCode?: string) => ({
    status,
    reason: status === 409 ? 'Conflict' : 'Not Found',
    message,
    errorCode: errorCode ?? (status === 409 ? 'REFERENCE_CONFLICT' : 'REFERENCE_NOT_FOUND'),
    ...(details ? { errorDetails: details } : {}),
  });

  async function route(
    method: string,
    url: URL,
    headers: http.IncomingHttpHeaders,
    body: Json | undefined,
  ): Promise<[number, unknown]> {
    const p = url.pathname;
    let m: RegExpExecArray | null;
    m = method === 'GET' ? /^\/iceberg\/([^/]+)\/v1\/config$/.exec(p) : null;
    if (m) {
      const reply = { defaults: { prefix: m[1]! }, overrides: { uri: `${fixtureUri}/iceberg/` } };
      checkIcebergResponse(reply, 'getConfig', 200);
      return [200, reply];
    }
    m = method === 'POST' ? /^\/iceberg\/v1\/([^/]+)\/namespaces$/.exec(p) : null;
    if (m) {
      checkIcebergRequest('post', `/v1/${m[1]}/namespaces`, body, 'createNamespace');
      const ns = (body!.namespace as string[]).join('.');
      if (namespaces.has(ns))
        return [409, icebergError(409, 'AlreadyExistsException', `Namespace already exists: ${ns}`)];
      namespaces.add(ns);
      const reply = { namespace: body!.namespace, properties: {} };
      checkIcebergResponse(reply, 'createNamespace', 200);
      return [200, reply];
    }
    m = method === 'POST' ? /^\/iceberg\/v1\/([^/]+)\/transactions\/commit$/.exec(p) : null;
    if (m) {
      checkIcebergRequest('post', `/v1/${m[1]}/transactions/commit`, body, 'commitTransaction');
      const { branch, hash } = decodePrefix(m[1]!);
      const changes = (body!['table-changes'] as Json[]).map((c) => {
        const id = c.identifier as { namespace: string[]; name: string };
        if (!namespaces.has(id.namespace.join('.'))) throw new NoSuchNamespace(id.namespace.join('.'));
        return {
          table: `${id.namespace.join('.')}.${id.name}`,
          requirements: c.requirements as never,
          updates: c.updates as never,
        };
      });
      const props: Record<string, string[]> = {};
      for (const [k, v] of Object.entries(headers)) {
        if (k.startsWith('nessie-commit-property-'))
          props[k.slice('nessie-commit-property-'.length)] = [String(v)];
      }
      const result = await catalog.commit({
        branch,
        expectedHash: hash ?? (await catalog.getBranch(branch)).hash,
        message: String(headers['nessie-commit-message'] ?? 'Catalog commit'),
        author: String(headers['nessie-commit-authors'] ?? ''),
        changes,
      });
      properties.set(result.branch.hash, props);
      return [204, undefined];
    }
    m = method === 'GET' ? /^\/iceberg\/v1\/([^/]+)\/namespaces\/([^/]+)\/tables\/([^/]+)$/.exec(p) : null;
    if (m) {
      const { branch, hash } = decodePrefix(m[1]!);
      const ref = hash === undefined ? branch : branch === '' ? hash : `${branch}@${hash}`;
      const loaded = await catalog.loadTable(ref, `${m[2]}.${m[3]}`);
      const reply = { 'metadata-location': loaded.metadataLocation, metadata: loaded.metadata };
      checkIcebergResponse(reply, 'loadTable', 200);
      return [200, reply];
    }
    if (p === '/api/v2/trees' && method === 'GET') {
      const reply = {
        references: (await catalog.listBranches()).map((b) => ({ type: 'BRANCH', ...b })),
        hasMore: false,
      };
      checkShape(reply, 'referencesResponse', ['references', 'hasMore']);
      return [200, reply];
    }
    if (p === '/api/v2/trees' && method === 'POST') {
      const name = url.searchParams.get('name')!;
      if (url.searchParams.get('type') !== 'BRANCH') violations.push('createReference without type=BRANCH');
      checkShape(body!, 'refObj', ['type', 'name', 'hash']);
      if ((await catalog.listBranches()).some((b) => b.name === name)) {
        return [409, nessieError(409, `Named reference '${name}' already exists.`)];
      }
      const created = await catalog.createBranch(name, `${body!.name}@${body!.hash}`);
      const reply = { reference: { type: 'BRANCH', ...created } };
      checkShape(reply, 'singleReferenceResponse', ['reference']);
      return [200, reply];
    }
    m = method === 'POST' ? /^\/api\/v2\/trees\/([^/]+)\/history\/merge$/.exec(p) : null;
    if (m) {
      checkShape(body!, 'merge', ['fromRefName', 'fromHash'], ['commitMeta']);
      const [into, hash] = decodeURIComponent(m[1]!).split('@');
      try {
        const merged = await catalog.merge({
          from: String(body!.fromRefName),
          into: into!,
          expectedHash: hash,
        });
        const reply = {
          wasApplied: merged.commit !== undefined,
          wasSuccessful: true,
          resultantTargetHash: merged.branch.hash,
          targetBranch: into,
          effectiveTargetHash: hash,
          details: [],
        };
        checkShape(reply, 'mergeResponseSuccess', [
          'wasApplied',
          'wasSuccessful',
          'resultantTargetHash',
          'targetBranch',
        ]);
        return [200, reply];
      } catch (error) {
        if (!(error instanceof CatalogConflictError)) throw error;
        return [
          409,
          nessieError(409, error.message, {
            type: 'REFERENCE_CONFLICTS',
            conflicts: error.tables.map((t) => ({
              conflictType: 'VALUE_DIFFERS',
              key: { elements: t.split('.') },
              message: `values of existing and expected content for ${t} are different`,
            })),
          }),
        ];
      }
    }
    m = method === 'GET' ? /^\/api\/v2\/trees\/([^/]+)\/history$/.exec(p) : null;
    if (m) {
      const max = Number(url.searchParams.get('max-records') ?? 0) || undefined;
      const log = await catalog.log(refSpec(decodeURIComponent(m[1]!)), { limit: max });
      const reply = {
        hasMore: false,
        logEntries: log.map((c) => ({
          commitMeta: {
            hash: c.hash,
            message: c.message,
            committer: '',
            authors: [c.author],
            allSignedOffBy: [],
            allProperties: properties.get(c.hash) ?? {},
            commitTime: new Date(c.timeMs).toISOString(),
            authorTime: new Date(c.timeMs).toISOString(),
            parentCommitHashes: c.parents,
          },
          parentCommitHash: c.parents[0],
          operations: c.tables.map((t) => ({ type: 'PUT', key: { elements: t.split('.') } })),
        })),
      };
      checkShape(reply, 'logResponseSimple', ['logEntries', 'hasMore']);
      return [200, reply];
    }
    m = method === 'GET' ? /^\/api\/v2\/trees\/([^/]+)\/entries$/.exec(p) : null;
    if (m) {
      const tables = await catalog.listTables(refSpec(decodeURIComponent(m[1]!)));
      const reply = {
        hasMore: false,
        entries: tables.map((t) => ({ type: 'ICEBERG_TABLE', name: { elements: t.split('.') } })),
      };
      checkShape(reply, 'entriesResponse', ['entries', 'hasMore']);
      return [200, reply];
    }
    m = method === 'GET' || method === 'DELETE' ? /^\/api\/v2\/trees\/([^/]+)$/.exec(p) : null;
    if (m) {
      const element = decodeURIComponent(m[1]!);
      if (method === 'GET') {
        const branch = await catalog.getBranch(element);
        const reply = { reference: { type: 'BRANCH', ...branch } };
        checkShape(reply, 'singleReferenceResponse', ['reference']);
        return [200, reply];
      }
      const [name, hash] = element.split('@');
      await catalog.deleteBranch(name!, hash);
      return [200, { reference: { type: 'BRANCH', name, hash } }];
    }
    return [404, nessieError(404, `no route ${method} ${p}`)];
  }

  const failures: { status: number; count: number; match: RegExp }[] = [];
  const server = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const url = new URL(req.url ?? '/', fixtureUri);
    requests.push(`${req.method} ${url.pathname}`);
    let status: number;
    let reply: unknown;
    const failure = failures.find((f) => f.count > 0 && f.match.test(`${req.method} ${url.pathname}`));
    if (failure) {
      failure.count -= 1;
      res.writeHead(failure.status, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({ status: failure.status, reason: 'planted', message: `planted ${failure.status}` }),
      );
      return;
    }
    try {
      [status, reply] = await route(
        req.method ?? 'GET',
        url,
        req.headers,
        text ? JSON.parse(text) : undefined,
      );
    } catch (error) {
      if (error instanceof NoSuchNamespace)
        [status, reply] = [404, icebergError(404, 'NoSuchNamespaceException', error.message)];
      else if (error instanceof CatalogConflictError) {
        [status, reply] = [
          409,
          url.pathname.startsWith('/iceberg')
            ? icebergError(409, '', error.message)
            : nessieError(409, error.message),
        ];
      } else if (error instanceof CatalogNotFoundError) {
        // A missing table or a missing ref, each as Nessie names it on its two APIs.
        const table = error instanceof CatalogTableNotFoundError;
        [status, reply] = [
          404,
          url.pathname.startsWith('/iceberg')
            ? icebergError(404, table ? 'NoSuchTableException' : 'NoSuchReferenceException', error.message)
            : nessieError(404, error.message, undefined, table ? 'CONTENT_NOT_FOUND' : 'REFERENCE_NOT_FOUND'),
        ];
      } else if (error instanceof KitError)
        [status, reply] = [400, icebergError(400, 'BadRequestException', error.message)];
      else [status, reply] = [500, icebergError(500, 'InternalServerError', (error as Error).message)];
    }
    res.writeHead(status, reply === undefined ? {} : { 'content-type': 'application/json' });
    res.end(reply === undefined ? undefined : JSON.stringify(reply));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const fixtureUri = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    uri: fixtureUri,
    violations,
    requests,
    failNext: (status, count, match = /./) => {
      failures.push({ status, count, match });
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

class NoSuchNamespace extends Error {
  constructor(namespace: string) {
    super(`Namespace does not exist: ${namespace}`);
  }
}

type BackendClass = new (options: object) => OpenAPIBackendLike;

interface OpenAPIBackendLike {
  init(): Promise<unknown>;
  validateRequest(request: object, operationId: string): { valid: boolean; errors?: unknown };
  validateResponse(body: unknown, operationId: string, status: number): { valid: boolean; errors?: unknown };
}
