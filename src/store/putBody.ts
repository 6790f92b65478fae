import { InvalidArgumentError } from '../errors.js';
import type { PutBody } from './objectStore.js';

/** The chunks of a put body as Buffers (views, not copies, of Uint8Array chunks; strings as UTF-8). */
export async function* bodyChunks(body: PutBody): AsyncGenerator<Buffer> {
  if (body instanceof Uint8Array) {
    yield Buffer.from(body.buffer, body.byteOffset, body.byteLength);
    return;
  }
  if (body === null || typeof (body as AsyncIterable<unknown>)[Symbol.asyncIterator] !== 'function') {
    throw new InvalidArgumentError(
      'lake put body rejected: expected a Uint8Array, a stream or an async iterable',
    );
  }
  for await (const chunk of body as AsyncIterable<Uint8Array | string>) {
    if (typeof chunk === 'string') yield Buffer.from(chunk, 'utf8');
    else if (chunk instanceof Uint8Array) yield Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    else throw new InvalidArgumentError('lake put body rejected: a chunk is neither bytes nor a string');
  }
}

/**
 * Reads chunks into blocks of `blockSize` bytes (the last may be shorter; an empty body gives one empty
 * block). A block is handed out before the next chunk is read.
 */
export async function* blocksOf(chunks: AsyncIterable<Buffer>, blockSize: number): AsyncGenerator<Buffer> {
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let emitted = false;
  for await (let chunk of chunks) {
    while (pendingBytes + chunk.length >= blockSize) {
      const take = blockSize - pendingBytes;
      pending.push(chunk.subarray(0, take));
      chunk = chunk.subarray(take);
      yield pending.length === 1 ? pending[0]! : Buffer.concat(pending, blockSize);
      emitted = true;
      pending = [];
      pendingBytes = 0;
    }
    if (chunk.length > 0) {
      pending.push(Buffer.from(chunk)); // a copy: the producer may reuse its buffer for the next chunk
      pendingBytes += chunk.length;
    }
  }
  if (pendingBytes > 0 || !emitted) yield Buffer.concat(pending, pendingBytes);
}
