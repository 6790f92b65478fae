import { InvalidArgumentError } from '../errors.js';

/**
 * Names starting with this are the local store's temporary files (hidden from listings), so no key part
 * may start with it.
 */
export const TEMP_PART_PREFIX = '.lake-tmp.';

/** Longest key part in UTF-8 bytes (a file name on common file systems). */
export const MAX_PART_BYTES = 255;
/** Longest key in UTF-8 bytes (S3's limit). */
export const MAX_KEY_BYTES = 1024;

// C0 controls, DEL and C1 controls.
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this rejects
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

/** A part as shown in an error: quoted, control characters escaped so the message stays on one line. */
function show(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: escaping them for display
  const escaped = text.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => {
    return `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
  });
  return `'${escaped.length > 120 ? `${escaped.slice(0, 120)}…` : escaped}'`;
}

/** Why a part is not allowed, or undefined when it is. */
function partProblem(part: string): string | undefined {
  if (part.length === 0) return 'empty';
  if (part === '.' || part === '..') return 'a relative path step';
  if (part.includes('/')) return "contains '/' (pass each path step as its own part)";
  if (part.includes('\\')) return "contains '\\'";
  if (CONTROL.test(part)) return 'contains a control character';
  if (part.startsWith(TEMP_PART_PREFIX))
    return `starts with '${TEMP_PART_PREFIX}' (reserved for temporary files)`;
  if (Buffer.byteLength(part) > MAX_PART_BYTES) return `longer than ${MAX_PART_BYTES} UTF-8 bytes`;
  return undefined;
}

function rejectPart(part: string, key?: string): never {
  const where = key === undefined ? '' : ` in key ${show(key)}`;
  throw new InvalidArgumentError(`lake key part rejected: ${show(part)}${where} (${partProblem(part)})`, {
    context: { part, ...(key === undefined ? {} : { key }) },
  });
}

function checkLength(key: string): string {
  if (Buffer.byteLength(key) > MAX_KEY_BYTES) {
    throw new InvalidArgumentError(
      `lake key rejected: ${show(key)} (longer than ${MAX_KEY_BYTES} UTF-8 bytes)`,
      {
        context: { key },
      },
    );
  }
  return key;
}

/**
 * Builds an object key from validated parts joined by '/'. A part is rejected with InvalidArgumentError
 * ("lake key part rejected: '../../etc'") when it is empty, `.` or `..`, contains '/', '\\', NUL or another
 * control character, starts with the temporary-file prefix, or is longer than 255 UTF-8 bytes. Parts come
 * from names the kit controls (topic, date, table, branch, file names); device ids and other data are never
 * key parts: they are stored inside objects, where any value round-trips literally.
 * @example objectKey('raw', 'telemetry', 'date=2025-04-01', 'iot-telemetry-0-0-99.parquet')
 */
export function objectKey(...parts: string[]): string {
  if (parts.length === 0) throw new InvalidArgumentError('lake key rejected: no parts');
  for (const part of parts) if (partProblem(part) !== undefined) rejectPart(part);
  return checkLength(parts.join('/'));
}

/**
 * Checks a whole key (parts joined by '/') as `objectKey` checks its parts, and returns it.
 * @example assertObjectKey('raw/telemetry/x.parquet')
 */
export function assertObjectKey(key: string): string {
  if (typeof key !== 'string' || key.length === 0) throw new InvalidArgumentError('lake key rejected: empty');
  for (const part of key.split('/')) if (partProblem(part) !== undefined) rejectPart(part, key);
  return checkLength(key);
}

/**
 * Checks a listing prefix: '' (everything), whole parts with a trailing '/', or whole parts followed by the
 * start of a part (`raw/tele`); each part, the started one too, must pass the checks of `objectKey`.
 */
export function assertKeyPrefix(prefix: string): string {
  if (typeof prefix !== 'string') throw new InvalidArgumentError('lake key prefix rejected: not a string');
  if (prefix === '') return prefix;
  const parts = prefix.split('/');
  if (parts[parts.length - 1] === '') parts.pop();
  for (const part of parts) if (partProblem(part) !== undefined) rejectPart(part, prefix);
  return checkLength(prefix);
}
