/**
 * Avro object container files (Avro spec: "Object Container Files"), the subset Iceberg manifests use:
 * codec "null", the writer's schema stored in the header as raw JSON, all records in one data block.
 */
import { randomBytes } from 'node:crypto';
import avro from 'avsc';
import { CorruptManifestError, InvalidArgumentError } from '../errors.js';
import type { AvroRecordSchema } from './manifestSchemas.js';

/** avsc's schema parameter type (its typings do not export the name). */
type AvscSchema = Parameters<typeof avro.Type.forSchema>[0];

/** Builds an avsc Type from a raw JSON schema (never from another Type: that would drop the Iceberg ids). */
const typeOf = (schema: unknown): avro.Type => avro.Type.forSchema(schema as AvscSchema);

const MAGIC = Buffer.from('Obj\x01', 'latin1');
const SYNC_SIZE = 16;
const HEADER_TYPE = typeOf({
  type: 'record',
  name: 'org.apache.avro.file.Header',
  fields: [
    { name: 'magic', type: { type: 'fixed', name: 'Magic', size: MAGIC.length } },
    { name: 'meta', type: { type: 'map', values: 'bytes' } },
    { name: 'sync', type: { type: 'fixed', name: 'Sync', size: SYNC_SIZE } },
  ],
});
const LONG_TYPE = typeOf('long');

/** avsc writes `bytes` from Buffers only: a view over the same memory. */
export const asBuffer = (bytes: Uint8Array): Buffer =>
  Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);

/**
 * An Avro object container file, codec "null": header (magic, metadata with `avro.schema` as the raw JSON
 * and `avro.codec`, sync marker), then one block with all records, or none when there are no records.
 */
export function writeContainer(
  schema: AvroRecordSchema,
  records: unknown[],
  metadata: Record<string, string>,
  what: string,
): Buffer {
  const type = typeOf(schema);
  const data = records.map((record, index) => {
    const problems: string[] = [];
    const errorHook = (path: string[], value: unknown): void => {
      problems.push(`${path.join('.')}=${String(value)}`);
    };
    if (!type.isValid(record, { errorHook })) {
      throw new InvalidArgumentError(`iceberg ${what} ${index}: invalid ${problems.join(', ')}`, {
        context: { index, problems },
      });
    }
    return type.toBuffer(record);
  });
  const meta: Record<string, Buffer> = {};
  for (const [key, value] of Object.entries(metadata)) meta[key] = Buffer.from(value, 'utf8');
  meta['avro.schema'] = Buffer.from(JSON.stringify(schema), 'utf8');
  meta['avro.codec'] = Buffer.from('null', 'utf8');
  const sync = randomBytes(SYNC_SIZE);
  const parts = [HEADER_TYPE.toBuffer({ magic: MAGIC, meta, sync })];
  if (data.length > 0) {
    const block = Buffer.concat(data);
    parts.push(LONG_TYPE.toBuffer(data.length), LONG_TYPE.toBuffer(block.length), block, sync);
  }
  return Buffer.concat(parts);
}

/**
 * Decodes an Avro object container file (codec "null") with the schema embedded in its header. Longs
 * decode to numbers (avsc throws on values beyond 2^53). Returns the records and the header's key-value
 * metadata as UTF-8 strings. Throws CorruptManifestError naming `file` (the file's URI, when the bytes
 * came from one) when the bytes are not such a file: not Avro, truncated, damaged, another codec.
 */
export function readContainer(
  bytes: Uint8Array,
  what: string,
  file: string,
): { records: unknown[]; metadata: Record<string, string> } {
  try {
    return decodeContainer(asBuffer(bytes), (reason) => {
      throw new CorruptManifestError(file, reason, { what });
    });
  } catch (error) {
    if (error instanceof CorruptManifestError) throw error;
    throw new CorruptManifestError(file, (error as Error).message, { what, cause: error });
  }
}

/**
 * The header after the magic: the metadata map (blocks of string keys and bytes values) and the sync
 * marker. Read by hand, bounding every count by the bytes left: avsc's own map decoding trusts the block
 * count, and a damaged count makes it loop for ever.
 */
function decodeHeader(
  buf: Buffer,
  fail: (reason: string) => never,
): { metadata: Record<string, string>; sync: Buffer; offset: number } {
  const readLong = (at: number): { value: number; offset: number } => {
    let read: { value: unknown; offset: number };
    try {
      read = LONG_TYPE.decode(buf, at);
    } catch {
      return fail('damaged header');
    }
    if (read.offset < 0 || !Number.isSafeInteger(read.value)) fail('truncated header');
    return { value: read.value as number, offset: read.offset };
  };
  const readBytes = (at: number): { value: Buffer; offset: number } => {
    const length = readLong(at);
    const end = length.offset + length.value;
    if (length.value < 0 || end > buf.length) fail('truncated header');
    return { value: buf.subarray(length.offset, end), offset: end };
  };
  const metadata: Record<string, string> = {};
  let offset = MAGIC.length;
  for (;;) {
    const block = readLong(offset);
    offset = block.offset;
    if (block.value === 0) break;
    // A negative count is followed by the block's size in bytes.
    if (block.value < 0) offset = readLong(offset).offset;
    const count = Math.abs(block.value);
    // Each entry takes at least two bytes (two lengths).
    if (count * 2 > buf.length - offset) fail('truncated header');
    for (let i = 0; i < count; i++) {
      const key = readBytes(offset);
      const value = readBytes(key.offset);
      metadata[key.value.toString('utf8')] = value.value.toString('utf8');
      offset = value.offset;
    }
  }
  if (offset + SYNC_SIZE > buf.length) fail('truncated header');
  return { metadata, sync: buf.subarray(offset, offset + SYNC_SIZE), offset: offset + SYNC_SIZE };
}

function decodeContainer(
  buf: Buffer,
  fail: (reason: string) => never,
): { records: unknown[]; metadata: Record<string, string> } {
  if (buf.length < MAGIC.length || !buf.subarray(0, MAGIC.length).equals(MAGIC)) fail('not an Avro file');
  const header = decodeHeader(buf, fail);
  const { metadata, sync } = header;
  const codec = metadata['avro.codec'] ?? 'null';
  if (codec !== 'null') fail(`unsupported codec ${codec}`);
  const type = typeOf(JSON.parse(metadata['avro.schema'] ?? fail('no avro.schema')));

  const records: unknown[] = [];
  let offset = header.offset;
  while (offset < buf.length) {
    const count = LONG_TYPE.decode(buf, offset);
    if (count.offset < 0) fail('truncated block');
    const size = LONG_TYPE.decode(buf, count.offset);
    const start = size.offset;
    const end = start + (size.value as number);
    if (start < 0 || end + SYNC_SIZE > buf.length) fail('truncated block');
    if (!buf.subarray(end, end + SYNC_SIZE).equals(sync)) fail('sync marker mismatch');
    let position = start;
    for (let i = 0; i < (count.value as number); i++) {
      const record = type.decode(buf, position);
      if (record.offset < 0 || record.offset > end) fail('record overruns its block');
      records.push(record.value);
      position = record.offset;
    }
    offset = end + SYNC_SIZE;
  }
  return { records, metadata };
}
