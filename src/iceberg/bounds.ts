/**
 * Iceberg's binary single-value serialization (table spec, Appendix D), used for the `lower_bounds` /
 * `upper_bounds` maps of manifest entries and for the partition field summaries of manifest lists.
 * Numbers are little-endian; strings are UTF-8 without a length; binary is stored as is.
 */
import { InvalidArgumentError } from '../errors.js';
import type { IcebergPrimitive } from './types.js';

/** A value of an Iceberg primitive: long-backed types may be a number (when safe) or a bigint. */
export type BoundValue = number | bigint | string | boolean | Uint8Array;

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const SAFE_MIN = BigInt(Number.MIN_SAFE_INTEGER);
const SAFE_MAX = BigInt(Number.MAX_SAFE_INTEGER);

function describe(value: unknown): string {
  return value instanceof Uint8Array
    ? `${value.constructor.name}(${value.length})`
    : `${typeof value} ${String(value)}`;
}

function rejectValue(type: IcebergPrimitive, expected: string, value: unknown): never {
  throw new InvalidArgumentError(`iceberg bound ${type}: expected ${expected}, got ${describe(value)}`, {
    context: { type },
  });
}

/** A zeroed buffer of `size` bytes and a DataView over it. */
function allocate(size: number): [Uint8Array, DataView] {
  const bytes = new Uint8Array(size);
  return [bytes, new DataView(bytes.buffer)];
}

/**
 * Serializes one value of an Iceberg primitive type to its single-value binary form: int and date
 * (days since 1970-01-01) as 4-byte little-endian; long, timestamp and timestamptz (microseconds since
 * 1970-01-01 UTC) as 8-byte little-endian; float 4 bytes and double 8 bytes IEEE 754 little-endian;
 * boolean one byte (0x00 / 0x01); string as UTF-8 without a length; binary as is (copied).
 * Throws InvalidArgumentError when the value does not fit the type.
 *
 * @example
 * encodeBound('int', 1); // Uint8Array [1, 0, 0, 0]
 * encodeBound('double', 1); // Uint8Array [0, 0, 0, 0, 0, 0, 0xf0, 0x3f]
 * encodeBound('timestamptz', Date.UTC(2025, 3, 1) * 1000); // 8 bytes, microseconds
 */
export function encodeBound(type: IcebergPrimitive, value: BoundValue): Uint8Array {
  switch (type) {
    case 'boolean':
      if (typeof value !== 'boolean') rejectValue(type, 'a boolean', value);
      return Uint8Array.of(value ? 1 : 0);
    case 'int':
    case 'date': {
      if (typeof value !== 'number' || !Number.isInteger(value) || value < INT32_MIN || value > INT32_MAX) {
        rejectValue(type, 'an integer in the int32 range', value);
      }
      const [bytes, view] = allocate(4);
      view.setInt32(0, value, true);
      return bytes;
    }
    case 'long':
    case 'timestamp':
    case 'timestamptz': {
      const long =
        typeof value === 'bigint' ? value : Number.isSafeInteger(value) ? BigInt(value as number) : undefined;
      if (long === undefined || long < INT64_MIN || long > INT64_MAX) {
        rejectValue(type, 'a safe integer or a bigint in the int64 range', value);
      }
      const [bytes, view] = allocate(8);
      view.setBigInt64(0, long, true);
      return bytes;
    }
    case 'float': {
      if (typeof value !== 'number') rejectValue(type, 'a number', value);
      const [bytes, view] = allocate(4);
      view.setFloat32(0, value, true);
      return bytes;
    }
    case 'double': {
      if (typeof value !== 'number') rejectValue(type, 'a number', value);
      const [bytes, view] = allocate(8);
      view.setFloat64(0, value, true);
      return bytes;
    }
    case 'string':
      if (typeof value !== 'string') rejectValue(type, 'a string', value);
      return new TextEncoder().encode(value);
    case 'binary':
      if (!(value instanceof Uint8Array)) rejectValue(type, 'a Uint8Array', value);
      return value.slice();
    default:
      throw new InvalidArgumentError(`iceberg bound: unsupported type ${String(type)}`);
  }
}

/**
 * Reads a single-value binary form back (the inverse of {@link encodeBound}). long, timestamp and
 * timestamptz come back as a number when within ±(2^53 − 1), else as a bigint; boolean is true for any
 * non-zero byte; binary is copied. Throws InvalidArgumentError when the byte length does not match the type.
 *
 * @example
 * decodeBound('long', Uint8Array.of(1, 0, 0, 0, 0, 0, 0, 0)); // 1
 * decodeBound('string', new TextEncoder().encode('iceberg')); // 'iceberg'
 */
export function decodeBound(type: IcebergPrimitive, bytes: Uint8Array): BoundValue {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const expectLength = (length: number): void => {
    if (bytes.length !== length) {
      throw new InvalidArgumentError(`iceberg bound ${type}: expected ${length} bytes, got ${bytes.length}`, {
        context: { type },
      });
    }
  };
  switch (type) {
    case 'boolean':
      expectLength(1);
      return bytes[0] !== 0;
    case 'int':
    case 'date':
      expectLength(4);
      return view.getInt32(0, true);
    case 'long':
    case 'timestamp':
    case 'timestamptz': {
      expectLength(8);
      const long = view.getBigInt64(0, true);
      return long >= SAFE_MIN && long <= SAFE_MAX ? Number(long) : long;
    }
    case 'float':
      expectLength(4);
      return view.getFloat32(0, true);
    case 'double':
      expectLength(8);
      return view.getFloat64(0, true);
    case 'string':
      return new TextDecoder().decode(bytes);
    case 'binary':
      return bytes.slice();
    default:
      throw new InvalidArgumentError(`iceberg bound: unsupported type ${String(type)}`);
  }
}
