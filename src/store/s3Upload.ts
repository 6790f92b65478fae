import {
  AbortMultipartUploadCommand,
  type CompletedPart,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  PutObjectCommand,
  type S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { StoreError } from '../errors.js';
import type { PutBody, PutOptions, PutResult } from './objectStore.js';
import { blocksOf, bodyChunks } from './putBody.js';

/** S3's smallest part (all but the last) and most parts of one multipart upload. */
export const MIN_PART_SIZE = 5 * 1024 * 1024;
const MAX_PARTS = 10_000;

export interface UploadTarget {
  client: S3Client;
  bucket: string;
  key: string;
  /** Bytes per part of a multipart upload; a body no longer than this goes in one PutObject. */
  partSize: number;
  options?: PutOptions;
}

const contentType = (options?: PutOptions) => options?.contentType ?? 'application/octet-stream';

/** One PutObject with a known length (no streaming with unknown length, no checksum trailer). */
async function putWhole(target: UploadTarget, bytes: Uint8Array): Promise<PutResult> {
  await target.client.send(
    new PutObjectCommand({
      Bucket: target.bucket,
      Key: target.key,
      Body: bytes,
      ContentLength: bytes.byteLength,
      ContentType: contentType(target.options),
    }),
  );
  return { key: target.key, size: bytes.byteLength };
}

/**
 * Uploads a body: bytes and bodies up to one part in a single PutObject; longer streamed bodies as a
 * multipart upload of `partSize` parts (aborted on failure, so no half object ever appears under the key).
 */
export async function uploadBody(target: UploadTarget, body: PutBody): Promise<PutResult> {
  if (body instanceof Uint8Array) return putWhole(target, body);
  const blocks = blocksOf(bodyChunks(body), target.partSize)[Symbol.asyncIterator]();
  const first = await blocks.next();
  const second = await blocks.next();
  if (second.done) return putWhole(target, first.value ?? Buffer.alloc(0));
  return uploadParts(target, [first.value!, second.value], blocks);
}

async function uploadParts(
  target: UploadTarget,
  firstBlocks: Buffer[],
  rest: AsyncIterator<Buffer>,
): Promise<PutResult> {
  const { client, bucket, key } = target;
  const created = await client.send(
    new CreateMultipartUploadCommand({ Bucket: bucket, Key: key, ContentType: contentType(target.options) }),
  );
  const uploadId = created.UploadId;
  if (!uploadId)
    throw new StoreError(`lake s3 put failed: ${key}: no UploadId in CreateMultipartUpload's answer`);
  const parts: CompletedPart[] = [];
  let size = 0;
  const send = async (block: Buffer) => {
    const partNumber = parts.length + 1;
    if (partNumber > MAX_PARTS) {
      throw new StoreError(`lake s3 put failed: ${key}: more than ${MAX_PARTS} parts; raise the part size`);
    }
    const answer = await client.send(
      new UploadPartCommand({
        Bucket: bucket,
        Key: key,
        UploadId: uploadId,
        PartNumber: partNumber,
        Body: block,
        ContentLength: block.length,
      }),
    );
    parts.push({ ETag: answer.ETag, PartNumber: partNumber });
    size += block.length;
  };
  try {
    for (const block of firstBlocks) await send(block);
    for (let next = await rest.next(); !next.done; next = await rest.next()) await send(next.value);
    await client.send(
      new CompleteMultipartUploadCommand({
        Bucket: bucket,
        Key: key,
        UploadId: uploadId,
        MultipartUpload: { Parts: parts },
      }),
    );
  } catch (error) {
    await client
      .send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: uploadId }))
      .catch(() => undefined);
    throw error;
  }
  return { key, size };
}
