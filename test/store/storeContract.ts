import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidArgumentError, ObjectNotFoundError } from '../../src/errors.js';
import { objectKey } from '../../src/store/objectKey.js';
import type { ObjectInfo, ObjectStore } from '../../src/store/objectStore.js';

export interface StoreFixture {
  store: ObjectStore;
  /** Something that must never appear in describe() (a secret), if the adapter has one. */
  secret?: string;
  close(): Promise<void>;
}

const sha = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const byteOrder = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b));

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

async function readAll(stream: AsyncIterable<Buffer | string>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks);
}

/** Uneven chunks of `bytes`, as a stream would deliver them. */
function* unevenChunks(bytes: Buffer): Generator<Buffer> {
  for (let at = 0, n = 1; at < bytes.length; n++) {
    const size = (n * 7919) % 300_000 || 1;
    yield bytes.subarray(at, at + size);
    at += size;
  }
}

/** Parts that are legal although odd: they must round-trip literally. */
export const ODD_PARTS = [
  `device "7" it's ü ✓ 😀`,
  '%20+&=;,$@!~*()[]{}#?',
  ' leading and trailing space ',
  'ÆØÅ-日本語-עברית',
];

/** Whether a key holding `text` between two slashes is still invalid ('a/b' is two valid parts there). */
export function invalidInKey(text: string): boolean {
  return text.split('/').some((part) => {
    try {
      objectKey(part);
      return false;
    } catch {
      return true;
    }
  });
}

/** Parts a key builder must reject, with what the message shows. */
export const BAD_PARTS: [string, RegExp][] = [
  ['../../etc', /lake key part rejected: '\.\.\/\.\.\/etc'/],
  ['..', /lake key part rejected: '\.\.'/],
  ['.', /lake key part rejected: '\.'/],
  ['', /lake key part rejected: ''/],
  ['a/b', /lake key part rejected: 'a\/b'/],
  ['a\\..\\b', /lake key part rejected: 'a\\\.\.\\b'/],
  ['nul\u0000byte', /lake key part rejected: 'nul\\u0000byte'/],
  ['line\nbreak', /lake key part rejected: 'line\\u000abreak'/],
  ['.lake-tmp.123', /reserved for temporary files/],
  ['x'.repeat(256), /longer than 255 UTF-8 bytes/],
];

/**
 * The object store port's contract: every adapter runs this same suite (the local directory here, S3 on
 * s3rver). Each test works under its own random prefix.
 */
export function describeStoreContract(name: string, open: () => Promise<StoreFixture>): void {
  describe(`object store contract: ${name}`, () => {
    let fixture: StoreFixture;
    let store: ObjectStore;
    beforeAll(async () => {
      fixture = await open();
      store = fixture.store;
    });
    afterAll(async () => {
      await fixture?.close();
    });
    const area = () => `t${randomBytes(4).toString('hex')}`;

    it('round-trips binary bytes and reports their size', async () => {
      const key = objectKey(area(), 'bytes.bin');
      const bytes = Buffer.concat([Buffer.from(Array.from({ length: 256 }, (_, i) => i)), randomBytes(1000)]);
      expect(await store.put(key, bytes)).toEqual({ key, size: 1256 });
      expect(Buffer.from(await store.get(key)).equals(bytes)).toBe(true);
      const info = await store.head(key);
      expect(info?.size).toBe(1256);
      expect(info?.lastModified).toBeInstanceOf(Date);
      expect(Math.abs(info!.lastModified.getTime() - Date.now())).toBeLessThan(60_000);
    });

    it('stores a ≥ 5 MB body exactly, given as bytes, as a stream and as an async generator', async () => {
      const dir = area();
      const big = randomBytes(6 * 1024 * 1024 + 4321);
      const bodies = {
        'bytes.bin': big,
        'stream.bin': Readable.from(unevenChunks(big)),
        'generator.bin': (async function* () {
          yield* unevenChunks(big);
        })(),
      };
      for (const [file, body] of Object.entries(bodies)) {
        const key = objectKey(dir, file);
        expect((await store.put(key, body)).size, file).toBe(big.length);
        // the checksum trap: a streamed upload must not store extra bytes
        expect((await store.head(key))?.size, file).toBe(big.length);
        expect(sha(await store.get(key)), file).toBe(sha(big));
      }
    });

    it('keeps the previous object when a streamed body fails part way', async () => {
      const key = objectKey(area(), 'kept.bin');
      await store.put(key, Buffer.from('previous'));
      for (const length of [1000, 11 * 1024 * 1024]) {
        // 11 MiB: on S3 with 5 MiB parts, two parts are uploaded before the body fails, and the upload is aborted
        const failing = (async function* () {
          yield randomBytes(length);
          throw new Error('producer failed');
        })();
        const error = await store.put(key, failing).catch((e) => e);
        expect(error.message, String(length)).toMatch(/producer failed/);
        expect(Buffer.from(await store.get(key)).toString(), String(length)).toBe('previous');
        expect((await collect(store.list(key))).map((o) => o.key)).toEqual([key]);
      }
    });

    it('stores small and empty streamed bodies, strings taken as UTF-8', async () => {
      const dir = area();
      const chunks = async function* () {
        yield 'héllo ';
        yield new Uint8Array([0, 255]);
        yield Buffer.from(' world');
      };
      await store.put(objectKey(dir, 'small.bin'), chunks());
      expect(Buffer.from(await store.get(objectKey(dir, 'small.bin')))).toEqual(
        Buffer.concat([Buffer.from('héllo '), Buffer.from([0, 255]), Buffer.from(' world')]),
      );
      await store.put(objectKey(dir, 'empty-stream.bin'), Readable.from([]));
      await store.put(objectKey(dir, 'empty-bytes.bin'), new Uint8Array(0));
      for (const file of ['empty-stream.bin', 'empty-bytes.bin']) {
        expect((await store.head(objectKey(dir, file)))?.size, file).toBe(0);
        expect((await store.get(objectKey(dir, file))).length, file).toBe(0);
      }
    });

    it('reads byte ranges: end exclusive, cut at the end of the object', async () => {
      const key = objectKey(area(), 'range.bin');
      const bytes = randomBytes(1000);
      await store.put(key, bytes);
      const range = async (start: number, end?: number) => Buffer.from(await store.getRange(key, start, end));
      expect((await range(0, 10)).equals(bytes.subarray(0, 10))).toBe(true);
      expect((await range(100, 200)).equals(bytes.subarray(100, 200))).toBe(true);
      expect((await range(990)).equals(bytes.subarray(990))).toBe(true);
      expect((await range(995, 5000)).equals(bytes.subarray(995))).toBe(true);
      expect((await range(999, 1000)).equals(bytes.subarray(999))).toBe(true);
      expect((await range(1000)).length).toBe(0);
      expect((await range(2000, 3000)).length).toBe(0);
      expect((await range(10, 10)).length).toBe(0);
      await expect(store.getRange(key, -1, 5)).rejects.toBeInstanceOf(InvalidArgumentError);
      await expect(store.getRange(key, 5, 4)).rejects.toThrow(/lake range rejected/);
      await expect(store.getRange(key, 1.5)).rejects.toBeInstanceOf(InvalidArgumentError);
    });

    it('streams an object', async () => {
      const key = objectKey(area(), 'stream.bin');
      const bytes = randomBytes(300_000);
      await store.put(key, bytes);
      expect((await readAll(await store.getStream(key))).equals(bytes)).toBe(true);
    });

    it('reports a missing key: ObjectNotFoundError for reads, undefined for head', async () => {
      const key = objectKey(area(), 'missing.bin');
      for (const read of [
        () => store.get(key),
        () => store.getRange(key, 0, 10),
        () => store.getRange(key, 0, 0),
        () => store.getStream(key),
      ]) {
        const error = await read().catch((e) => e);
        expect(error).toBeInstanceOf(ObjectNotFoundError);
        expect(error.key).toBe(key);
        expect(error.message).toContain(`lake object not found: ${key}`);
        expect(error.retriable).toBe(false);
      }
      expect(await store.head(key)).toBeUndefined();
    });

    it('treats a folder of other keys as no object', async () => {
      const dir = area();
      await store.put(objectKey(dir, 'sub', 'x.bin'), Buffer.from('x'));
      expect(await store.head(objectKey(dir, 'sub'))).toBeUndefined();
      await expect(store.get(objectKey(dir, 'sub'))).rejects.toBeInstanceOf(ObjectNotFoundError);
    });

    it('overwrites: the last put wins, listed once', async () => {
      const dir = area();
      const key = objectKey(dir, 'over.bin');
      await store.put(key, Buffer.from('first version, longer'));
      await store.put(key, Buffer.from('second'));
      expect(Buffer.from(await store.get(key)).toString()).toBe('second');
      expect((await store.head(key))?.size).toBe(6);
      expect((await collect(store.list(`${dir}/`))).map((o) => o.key)).toEqual([key]);
    });

    it('lists by prefix in key order, page by page, across nested prefixes', async () => {
      const dir = area();
      const keys: string[] = [];
      for (let i = 0; i < 25; i++) {
        const kind = i % 5 === 0 ? 'events' : 'telemetry';
        const key = objectKey(dir, 'raw', kind, `date=2025-04-0${1 + (i % 3)}`, `part-${i}.bin`);
        keys.push(key);
      }
      const other = objectKey(dir, 'warehouse', 'gold', 'metadata.json');
      for (const [i, key] of [...keys, other].entries()) await store.put(key, Buffer.alloc(i + 1, i));
      const expected = [...keys].sort(byteOrder);
      const listed = await collect(store.list(`${dir}/raw/`, { pageSize: 7 }));
      expect(listed.map((o) => o.key)).toEqual(expected);
      for (const o of listed) expect(o.size).toBe(keys.indexOf(o.key) + 1);
      expect((await collect(store.list(`${dir}/raw/`, { pageSize: 1 }))).map((o) => o.key)).toEqual(expected);
      // a prefix need not end at a '/'
      const telemetry = expected.filter((k) => k.includes('/telemetry/'));
      expect((await collect(store.list(`${dir}/raw/tele`, { pageSize: 7 }))).map((o) => o.key)).toEqual(
        telemetry,
      );
      expect((await collect(store.list(`${dir}/raw/telemetry/date=2025-04-02/`))).length).toBe(
        keys.filter((k) => k.includes('/telemetry/date=2025-04-02/')).length,
      );
      expect((await collect(store.list(dir))).map((o) => o.key)).toEqual(
        [...expected, other].sort(byteOrder),
      );
      expect(await collect(store.list(`${dir}/nothing/`))).toEqual([]);
      expect(await collect(store.list(`${area()}/`))).toEqual([]);
      for (const pageSize of [0, 1001, 2.5]) {
        await expect(collect(store.list(dir, { pageSize }))).rejects.toBeInstanceOf(InvalidArgumentError);
      }
    });

    it('deletes: gone from reads and listings, siblings kept, deleting again is fine', async () => {
      const dir = area();
      const [a, b] = [objectKey(dir, 'x', 'a.bin'), objectKey(dir, 'x', 'b.bin')];
      await store.put(a, Buffer.from('a'));
      await store.put(b, Buffer.from('b'));
      await store.delete(a);
      expect(await store.head(a)).toBeUndefined();
      await expect(store.get(a)).rejects.toBeInstanceOf(ObjectNotFoundError);
      expect((await collect(store.list(`${dir}/`))).map((o: ObjectInfo) => o.key)).toEqual([b]);
      await store.delete(a);
      await store.delete(objectKey(dir, 'never', 'there.bin'));
      await store.delete(b);
      expect(await collect(store.list(`${dir}/`))).toEqual([]);
      // the key can be written again
      await store.put(a, Buffer.from('again'));
      expect(Buffer.from(await store.get(a)).toString()).toBe('again');
    });

    it('round-trips odd characters inside allowed key parts literally', async () => {
      const dir = area();
      const keys = ODD_PARTS.map((part) => objectKey(dir, part, `${part}.bin`));
      for (const [i, key] of keys.entries()) await store.put(key, Buffer.from(`value ${i}`));
      for (const [i, key] of keys.entries()) {
        expect(Buffer.from(await store.get(key)).toString(), key).toBe(`value ${i}`);
        expect((await store.head(key))?.size, key).toBe(`value ${i}`.length);
      }
      expect((await collect(store.list(`${dir}/`))).map((o) => o.key)).toEqual([...keys].sort(byteOrder));
      expect((await collect(store.list(`${dir}/${ODD_PARTS[0]}`))).map((o) => o.key)).toEqual([keys[0]]);
      for (const key of keys) await store.delete(key);
      expect(await collect(store.list(`${dir}/`))).toEqual([]);
    });

    it.each(BAD_PARTS)(
      'rejects the key part %j with a clear error and writes nothing',
      async (bad, message) => {
        const dir = area();
        expect(() => objectKey(dir, bad)).toThrow(InvalidArgumentError);
        expect(() => objectKey(dir, bad)).toThrow(message);
        if (!invalidInKey(bad)) return;
        const before = await collect(store.list(''));
        const key = `${dir}/${bad}/x.bin`;
        await expect(store.put(key, Buffer.from('evil'))).rejects.toBeInstanceOf(InvalidArgumentError);
        await expect(store.put(key, Readable.from([Buffer.from('evil')]))).rejects.toThrow(/lake key/);
        await expect(store.get(key)).rejects.toBeInstanceOf(InvalidArgumentError);
        await expect(store.head(key)).rejects.toBeInstanceOf(InvalidArgumentError);
        await expect(store.delete(key)).rejects.toBeInstanceOf(InvalidArgumentError);
        expect(() => store.uri(key)).toThrow(InvalidArgumentError);
        expect(await collect(store.list(''))).toEqual(before);
      },
    );

    it('rejects whole keys with empty or relative steps', async () => {
      for (const key of ['', '/abs.bin', 'a//b.bin', 'a/./b.bin', 'a/../../b.bin', 'trailing/']) {
        await expect(store.put(key, Buffer.from('x')), JSON.stringify(key)).rejects.toBeInstanceOf(
          InvalidArgumentError,
        );
      }
      await expect(collect(store.list('../'))).rejects.toThrow(/lake key part rejected: '\.\.'/);
    });

    it('gives absolute URIs and a description without secrets', () => {
      const key = objectKey('warehouse', 'gold', 'device_health');
      const uri = store.uri(key);
      expect(['file:', 's3:']).toContain(new URL(uri).protocol);
      expect(uri).toMatch(/warehouse\/gold\/device_health$/);
      expect(store.keyOf(uri)).toBe(key);
      expect(store.keyOf(store.uri('raw/odd name ü/x.parquet'))).toBe('raw/odd name ü/x.parquet');
      expect(() => store.keyOf('https://example.com/warehouse/x')).toThrow(InvalidArgumentError);
      expect(() => store.keyOf(`${uri.slice(0, uri.indexOf('warehouse'))}../elsewhere/x`)).toThrow(
        InvalidArgumentError,
      );
      expect(store.describe()).toMatch(/^(local \/|s3:\/\/)/);
      if (fixture.secret) expect(store.describe()).not.toContain(fixture.secret);
    });
  });
}
