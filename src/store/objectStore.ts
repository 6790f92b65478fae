import type { Readable } from 'node:stream';

/**
 * The object store port: what the lake needs from a local directory or S3 (MinIO, AWS). A key is a
 * path of validated parts joined by '/' (build it with `objectKey`), e.g. `raw/telemetry/date=2025-04-01/x.parquet`.
 * Every method rejects a key that `assertObjectKey` rejects with InvalidArgumentError, before any I/O.
 * A key cannot also be the folder of another key (`a/b` and `a/b/c` cannot both exist): a local
 * directory cannot hold both, so the lake never lays out objects that way.
 */

/** What a store knows about one object. */
export interface ObjectInfo {
  key: string;
  /** Size in bytes. */
  size: number;
  /** When the object was last written (local: file mtime; S3: second precision). */
  lastModified: Date;
}

/** A body to store: bytes, or chunks from a stream or generator (strings are taken as UTF-8). */
export type PutBody = Uint8Array | AsyncIterable<Uint8Array | string> | Readable;

export interface PutOptions {
  /** Content-Type recorded with the object on S3; the local store does not keep it. Default application/octet-stream. */
  contentType?: string;
}

/** What a completed put stored. */
export interface PutResult {
  key: string;
  /** Bytes stored (counted while writing, so a streamed body's size is known too). */
  size: number;
}

export interface ListOptions {
  /** Objects fetched per request underneath (S3 MaxKeys; the local store walks directories lazily). Default 1000. */
  pageSize?: number;
}

/** A store of immutable-until-overwritten objects under string keys. */
export interface ObjectStore {
  /** Which adapter this is ("local" or "s3"). */
  readonly kind: 'local' | 's3';
  /**
   * Stores `body` under `key`, replacing any object there. Readers see the old object or the whole new
   * one, never part of it. Resolves once the object is durable.
   */
  put(key: string, body: PutBody, options?: PutOptions): Promise<PutResult>;
  /** The whole object; throws ObjectNotFoundError. */
  get(key: string): Promise<Uint8Array>;
  /**
   * Bytes [start, end) of the object (`end` exclusive, like `slice`; default the end of the object).
   * A range past the end is cut at the end (empty when `start` ≥ size). Throws ObjectNotFoundError.
   */
  getRange(key: string, start: number, end?: number): Promise<Uint8Array>;
  /** The object as a stream; throws ObjectNotFoundError before returning when it does not exist. */
  getStream(key: string): Promise<Readable>;
  /** Size and modification time, or undefined when there is no object under `key`. */
  head(key: string): Promise<ObjectInfo | undefined>;
  /**
   * Every object whose key starts with `prefix` ('' = all), sorted by key (UTF-8 byte order, as S3),
   * fetched page by page underneath. `prefix` need not end at a '/': `raw/tele` matches `raw/telemetry/…`.
   */
  list(prefix: string, options?: ListOptions): AsyncIterable<ObjectInfo>;
  /** Deletes the object; deleting a missing object is not an error. */
  delete(key: string): Promise<void>;
  /** Absolute URI of a key (or of a prefix such as a table location): `file:///…` or `s3://bucket/key`. */
  uri(key: string): string;
  /** The key of an absolute URI this store made (`uri`'s inverse); InvalidArgumentError for a URI elsewhere. */
  keyOf(uri: string): string;
  /** Where the store is, for messages and logs; never contains a secret. */
  describe(): string;
  /**
   * Removes the temporary files of puts whose process was killed (a local store's hidden
   * `.lake-tmp.<pid>.*` files; a live process's are left alone) and returns their keys' folders and names.
   * Stores that write no temporary files do not have it.
   */
  removeAbandonedTemporaries?(): Promise<string[]>;
  /** Releases connections; the store is not used afterwards. */
  close(): Promise<void>;
}
