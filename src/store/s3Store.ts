import type { Readable } from 'node:stream';
import {
  CreateBucketCommand,
  type CreateBucketCommandInput,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  type ListObjectsV2CommandOutput,
  S3Client,
} from '@aws-sdk/client-s3';
import { InvalidArgumentError, ObjectNotFoundError, StoreError } from '../errors.js';
import { splitUrlCredentials } from '../util/urlCredentials.js';
import { assertKeyPrefix, assertObjectKey } from './objectKey.js';
import type { ListOptions, ObjectInfo, ObjectStore, PutBody, PutOptions, PutResult } from './objectStore.js';
import { isMissingBucket, s3Error } from './s3Errors.js';
import { MIN_PART_SIZE, uploadBody } from './s3Upload.js';
import { assertByteRange, pageSizeOf } from './storeArguments.js';

export interface S3StoreOptions {
  /** Bucket holding the lake (raw/ and warehouse/). */
  bucket: string;
  /** Region to sign for. Default us-east-1. */
  region?: string;
  /** Server URL (MinIO, s3rver); undefined = AWS. */
  endpoint?: string;
  /** Address buckets as http://host/bucket/key instead of http://bucket.host/key. Default: true when an endpoint is set. */
  forcePathStyle?: boolean;
  /**
   * Explicit credentials (tests against s3rver). Default: the SDK's chain, which reads AWS_ACCESS_KEY_ID
   * and AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN) first. Never printed.
   */
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  /** Part size of multipart uploads of streamed bodies, at least 5 MiB. Default 8 MiB. */
  partSize?: number;
  /** Attempts per request, retries included (the SDK retries throttling and transient failures). Default 3. */
  maxAttempts?: number;
}

/** The endpoint without any user:password part, for messages. */
function printableEndpoint(endpoint: string): string {
  const { address } = splitUrlCredentials(endpoint);
  return address === '(invalid URL)' ? '(invalid endpoint)' : address;
}

/**
 * The object store port on S3 (AWS, MinIO, s3rver) with @aws-sdk/client-s3. Checksums are computed and
 * validated only where S3 requires them (the SDK's default streamed-upload checksums corrupt objects on
 * some S3-compatible servers); listings page with ListObjectsV2 without a delimiter (servers disagree on
 * CommonPrefixes); `ensureBucket()` creates the bucket when it is missing.
 * @example const store = new S3ObjectStore({ bucket: 'iot-lake', endpoint: 'http://127.0.0.1:9000' });
 */
export class S3ObjectStore implements ObjectStore {
  readonly kind = 's3';
  readonly bucket: string;
  private readonly client: S3Client;
  private readonly where: string;
  private readonly partSize: number;
  private readonly region: string;
  private readonly endpoint: string | undefined;

  constructor(options: S3StoreOptions) {
    this.bucket = options.bucket;
    this.region = options.region ?? 'us-east-1';
    this.endpoint = options.endpoint;
    this.partSize = options.partSize ?? 8 * 1024 * 1024;
    if (!Number.isSafeInteger(this.partSize) || this.partSize < MIN_PART_SIZE) {
      throw new InvalidArgumentError(
        `lake s3 partSize rejected: ${this.partSize} (at least ${MIN_PART_SIZE})`,
      );
    }
    const forcePathStyle = options.forcePathStyle ?? options.endpoint !== undefined;
    // The SDK warns on stderr that its releases after January 2027 need Node 22. The kit pins a release
    // that supports Node 20, so the warning does not apply; setting the variable to false brings it back.
    process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
    this.client = new S3Client({
      region: this.region,
      endpoint: options.endpoint,
      forcePathStyle,
      credentials: options.credentials,
      maxAttempts: options.maxAttempts ?? 3,
      // an unreachable server fails within seconds instead of hanging (transfers themselves are not timed)
      requestHandler: { connectionTimeout: 10_000 },
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
    const server = options.endpoint ? printableEndpoint(options.endpoint) : `AWS ${this.region}`;
    this.where = `s3://${this.bucket} at ${server}${forcePathStyle ? ' (path-style)' : ''}`;
  }

  /** Creates the bucket when it does not exist (in the configured region); an existing one is left as it is. */
  async ensureBucket(): Promise<void> {
    try {
      await this.client.send(new HeadBucketCommand({ Bucket: this.bucket }));
      return;
    } catch (error) {
      if (!isMissingBucket(error)) throw s3Error('check bucket', undefined, error, this.where);
    }
    const input: CreateBucketCommandInput = { Bucket: this.bucket };
    if (this.region !== 'us-east-1')
      input.CreateBucketConfiguration = { LocationConstraint: this.region as never };
    try {
      await this.client.send(new CreateBucketCommand(input));
    } catch (error) {
      if ((error as { name?: string }).name === 'BucketAlreadyOwnedByYou') return;
      throw s3Error('create bucket', undefined, error, this.where);
    }
  }

  async put(key: string, body: PutBody, options?: PutOptions): Promise<PutResult> {
    assertObjectKey(key);
    try {
      return await uploadBody(
        { client: this.client, bucket: this.bucket, key, partSize: this.partSize, options },
        body,
      );
    } catch (error) {
      if (error instanceof InvalidArgumentError) throw error;
      throw s3Error('put', key, error, this.where, false);
    }
  }

  async get(key: string): Promise<Uint8Array> {
    assertObjectKey(key);
    try {
      const answer = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
      const bytes = await answer.Body!.transformToByteArray();
      if (answer.ContentLength !== undefined && bytes.byteLength !== answer.ContentLength) {
        throw new StoreError(
          `lake s3 get failed: ${key} on ${this.where}: got ${bytes.byteLength} of ${answer.ContentLength} bytes`,
          { retriable: true, context: { key } },
        );
      }
      return bytes;
    } catch (error) {
      throw s3Error('get', key, error, this.where);
    }
  }

  async getRange(key: string, start: number, end?: number): Promise<Uint8Array> {
    assertObjectKey(key);
    assertByteRange(key, start, end);
    if (end === start) {
      if (!(await this.head(key))) throw s3Error('get', key, { name: 'NoSuchKey' }, this.where);
      return new Uint8Array(0);
    }
    const range = `bytes=${start}-${end === undefined ? '' : end - 1}`;
    try {
      const answer = await this.client.send(
        new GetObjectCommand({ Bucket: this.bucket, Key: key, Range: range }),
      );
      return await answer.Body!.transformToByteArray();
    } catch (error) {
      // 416: the object exists but starts before `start`
      if ((error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 416) {
        return new Uint8Array(0);
      }
      throw s3Error('getRange', key, error, this.where);
    }
  }

  async getStream(key: string): Promise<Readable> {
    assertObjectKey(key);
    try {
      const answer = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
      return answer.Body as Readable;
    } catch (error) {
      throw s3Error('getStream', key, error, this.where);
    }
  }

  async head(key: string): Promise<ObjectInfo | undefined> {
    assertObjectKey(key);
    try {
      const answer = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      return { key, size: answer.ContentLength ?? 0, lastModified: answer.LastModified ?? new Date(0) };
    } catch (error) {
      const mapped = s3Error('head', key, error, this.where);
      if (mapped instanceof ObjectNotFoundError) return undefined;
      throw mapped;
    }
  }

  async *list(prefix: string, options?: ListOptions): AsyncGenerator<ObjectInfo> {
    assertKeyPrefix(prefix);
    const pageSize = pageSizeOf(options);
    let token: string | undefined;
    do {
      let answer: ListObjectsV2CommandOutput;
      try {
        answer = await this.client.send(
          new ListObjectsV2Command({
            Bucket: this.bucket,
            Prefix: prefix === '' ? undefined : prefix,
            MaxKeys: pageSize,
            ContinuationToken: token,
          }),
        );
      } catch (error) {
        throw s3Error('list', undefined, error, this.where);
      }
      for (const item of answer.Contents ?? []) {
        if (item.Key === undefined) continue;
        yield { key: item.Key, size: item.Size ?? 0, lastModified: item.LastModified ?? new Date(0) };
      }
      token = answer.IsTruncated ? answer.NextContinuationToken : undefined;
      if (answer.IsTruncated && !token) {
        throw new StoreError(
          `lake s3 list failed: ${prefix} on ${this.where}: truncated page without a continuation token`,
        );
      }
    } while (token);
  }

  async delete(key: string): Promise<void> {
    assertObjectKey(key);
    try {
      await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }));
    } catch (error) {
      const mapped = s3Error('delete', key, error, this.where);
      if (!(mapped instanceof ObjectNotFoundError)) throw mapped;
    }
  }

  uri(key: string): string {
    return `s3://${this.bucket}/${assertObjectKey(key)}`;
  }

  keyOf(uri: string): string {
    const prefix = `s3://${this.bucket}/`;
    if (!uri.startsWith(prefix)) {
      throw new InvalidArgumentError(`lake uri rejected: ${uri} is not in bucket ${this.bucket}`);
    }
    return assertObjectKey(uri.slice(prefix.length));
  }

  describe(): string {
    return this.where;
  }

  async close(): Promise<void> {
    this.client.destroy();
  }
}
