import { ObjectNotFoundError, StoreError } from '../errors.js';

interface SdkError {
  name?: string;
  code?: string;
  message?: string;
  $fault?: 'client' | 'server';
  $retryable?: unknown;
  $metadata?: { httpStatusCode?: number };
}

const CREDENTIALS_HINT = 'check AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY';
const ENDPOINT_HINT = 'check LAMBDA_IOT_S3_ENDPOINT (unset = AWS) and that the server is running';
const BUCKET_HINT = 'check LAMBDA_IOT_S3_BUCKET';

/**
 * How the kit treats S3 failures, by error name or network code: whether a retry may help and which
 * setting to check. Anything not listed is not retriable unless the SDK or a 5xx status says so.
 */
const CLASSIFICATION: Record<string, { retriable: boolean; hint?: string }> = {
  NoSuchBucket: { retriable: false, hint: BUCKET_HINT },
  BucketAlreadyExists: { retriable: false, hint: `${BUCKET_HINT}: the name belongs to another account` },
  InvalidBucketName: { retriable: false, hint: BUCKET_HINT },
  AccessDenied: { retriable: false, hint: CREDENTIALS_HINT },
  Forbidden: { retriable: false, hint: CREDENTIALS_HINT },
  InvalidAccessKeyId: { retriable: false, hint: CREDENTIALS_HINT },
  SignatureDoesNotMatch: { retriable: false, hint: CREDENTIALS_HINT },
  ExpiredToken: { retriable: false, hint: CREDENTIALS_HINT },
  CredentialsProviderError: {
    retriable: false,
    hint: `no credentials found: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY`,
  },
  PermanentRedirect: {
    retriable: false,
    hint: 'check LAMBDA_IOT_S3_REGION (the bucket lives in another region)',
  },
  AuthorizationHeaderMalformed: { retriable: false, hint: 'check LAMBDA_IOT_S3_REGION' },
  SlowDown: { retriable: true },
  RequestTimeout: { retriable: true },
  InternalError: { retriable: true },
  ServiceUnavailable: { retriable: true },
  TimeoutError: { retriable: true, hint: ENDPOINT_HINT },
  ECONNREFUSED: { retriable: true, hint: ENDPOINT_HINT },
  ECONNRESET: { retriable: true, hint: ENDPOINT_HINT },
  ENOTFOUND: { retriable: true, hint: ENDPOINT_HINT },
  EAI_AGAIN: { retriable: true, hint: ENDPOINT_HINT },
  ETIMEDOUT: { retriable: true, hint: ENDPOINT_HINT },
  EPIPE: { retriable: true, hint: ENDPOINT_HINT },
  EHOSTUNREACH: { retriable: true, hint: ENDPOINT_HINT },
};

/** The SDK error's name, or the network error's code (the SDK passes socket errors through). */
function nameOf(error: SdkError): string {
  const code = error.code ?? (error as { cause?: SdkError }).cause?.code;
  if (error.name && error.name !== 'Error' && error.name !== 'Unknown') return error.name;
  return code ?? error.name ?? 'Error';
}

/** Whether the SDK reports the object itself as missing (GetObject NoSuchKey, HeadObject 404 NotFound). */
export function isMissingObject(error: unknown): boolean {
  const e = error as SdkError;
  const name = nameOf(e);
  return (
    name === 'NoSuchKey' ||
    name === 'NotFound' ||
    (e.$metadata?.httpStatusCode === 404 && name !== 'NoSuchBucket')
  );
}

/** Whether the error says the bucket does not exist (HeadBucket answers a bare 404). */
export function isMissingBucket(error: unknown): boolean {
  const e = error as SdkError;
  const name = nameOf(e);
  return name === 'NoSuchBucket' || name === 'NotFound' || e.$metadata?.httpStatusCode === 404;
}

/**
 * Maps an SDK error of `operation` on `key` to ObjectNotFoundError (reads of an object that may be
 * missing) or a StoreError that says whether a retry may help and which setting to check.
 */
export function s3Error(
  operation: string,
  key: string | undefined,
  error: unknown,
  where: string,
  objectMayBeMissing = true,
): StoreError {
  if (error instanceof StoreError) return error;
  const e = (error ?? {}) as SdkError;
  if (key !== undefined && objectMayBeMissing && isMissingObject(e)) {
    return new ObjectNotFoundError(key, { cause: error, where });
  }
  const name = nameOf(e);
  const status = e.$metadata?.httpStatusCode;
  const known = CLASSIFICATION[name];
  const retriable = known?.retriable ?? (Boolean(e.$retryable) || (status !== undefined && status >= 500));
  const hint = known?.hint ?? (status === 403 ? CREDENTIALS_HINT : undefined);
  const what = key === undefined ? '' : ` ${key}`;
  const message = e.message && e.message !== name ? `${name}: ${e.message}` : name;
  return new StoreError(
    `lake s3 ${operation} failed:${what} on ${where}: ${message}${status ? ` (HTTP ${status})` : ''}${hint ? `; ${hint}` : ''}`,
    { cause: error, retriable, context: { operation, key, status, name } },
  );
}
