import fs from 'node:fs';
import path from 'node:path';
import type { Config } from '../config/config.js';
import { ConfigError, KitError } from '../errors.js';
import { kitPath } from '../util/projectRoot.js';

/**
 * The kit's StarRocks SQL (sql/starrocks/, the single source): files, statements with their line numbers,
 * `${NAME}` placeholders filled from settings at apply time.
 */

/** One SQL file. */
export interface SqlFile {
  /** File name (e.g. 20_anomalies_streaming.sql), used in error messages. */
  name: string;
  text: string;
}

/** One statement of a file and where it starts. */
export interface SqlStatement {
  file: string;
  /** 1-based line of the statement's first keyword. */
  line: number;
  /** The statement without its trailing `;` (placeholders not filled). */
  sql: string;
}

/** The folder sql/starrocks/ of the kit. */
export function starrocksSqlDir(): string {
  return kitPath('sql/starrocks', 'starrocks: cannot find sql/starrocks');
}

/** The files of a folder of SQL, in apply order (by name: the numeric prefixes order them). */
export function readSqlFiles(dir = starrocksSqlDir()): SqlFile[] {
  return fs
    .readdirSync(dir)
    .filter((name) => name.endsWith('.sql'))
    .sort()
    .map((name) => ({ name, text: fs.readFileSync(path.join(dir, name), 'utf8') }));
}

/**
 * Splits a file into statements at `;` outside quotes ('…', "…", `…`) and comments (`-- …`, `/* … *\/`).
 * Comment-only text between statements is dropped; each statement records the line of its first keyword.
 * @example splitStatements({ name: 'a.sql', text: 'select 1;\nselect 2;' }) // [{ line: 1, … }, { line: 2, … }]
 */
export function splitStatements(file: SqlFile): SqlStatement[] {
  const { text } = file;
  const out: SqlStatement[] = [];
  let start = 0;
  let i = 0;
  const push = (end: number) => {
    const chunk = text.slice(start, end);
    const body = stripLeadingComments(chunk);
    if (body.trim()) {
      const offset = start + (chunk.length - body.length) + (body.length - body.trimStart().length);
      out.push({ file: file.name, line: lineAt(text, offset), sql: body.trim() });
    }
  };
  while (i < text.length) {
    const c = text[i]!;
    if (c === '-' && text[i + 1] === '-') {
      const nl = text.indexOf('\n', i);
      i = nl < 0 ? text.length : nl + 1;
    } else if (c === '/' && text[i + 1] === '*') {
      const close = text.indexOf('*/', i + 2);
      i = close < 0 ? text.length : close + 2;
    } else if (c === "'" || c === '"' || c === '`') {
      i++;
      while (i < text.length && text[i] !== c) i += text[i] === '\\' && c !== '`' ? 2 : 1;
      i++;
    } else if (c === ';') {
      push(i);
      start = ++i;
    } else i++;
  }
  push(text.length);
  return out;
}

function stripLeadingComments(sql: string): string {
  return sql.replace(/^(\s|--[^\n]*(\n|$)|\/\*[\s\S]*?\*\/)+/, (m) => m.replace(/[^\n]/g, ' '));
}

function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset; i++) if (text[i] === '\n') line++;
  return line;
}

/** The `${NAME}` placeholders of a text, each once, in order. */
export function placeholdersOf(text: string): string[] {
  return [...new Set([...text.matchAll(/\$\{([A-Z][A-Z0-9_]*)\}/g)].map((m) => m[1]!))];
}

/** Where each placeholder's value comes from (for the messages). */
export const PLACEHOLDER_SOURCES: Record<string, string> = {
  STARROCKS_DATABASE: 'the database of LAMBDA_IOT_STARROCKS_URL',
  LAMBDA_IOT_NAME_PREFIX: 'LAMBDA_IOT_NAME_PREFIX',
  LAMBDA_IOT_STARROCKS_KAFKA_BROKERS: 'LAMBDA_IOT_STARROCKS_KAFKA_BROKERS',
  LAMBDA_IOT_STARROCKS_NESSIE_URI: 'LAMBDA_IOT_STARROCKS_NESSIE_URI',
  LAMBDA_IOT_STARROCKS_S3_ENDPOINT: 'LAMBDA_IOT_STARROCKS_S3_ENDPOINT',
  LAMBDA_IOT_S3_REGION: 'LAMBDA_IOT_S3_REGION',
  AWS_ACCESS_KEY_ID: 'AWS_ACCESS_KEY_ID',
  AWS_SECRET_ACCESS_KEY: 'AWS_SECRET_ACCESS_KEY',
};

/** Placeholders whose values are never shown. */
export const SECRET_PLACEHOLDERS = new Set(['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY']);

/** The values of the placeholders from the configuration and the AWS credentials of `env` (unset ones absent). */
export function placeholderValues(
  config: Pick<
    Config,
    | 'namePrefix'
    | 'starrocksUrl'
    | 'starrocksKafkaBrokers'
    | 'starrocksNessieUri'
    | 'starrocksS3Endpoint'
    | 's3Region'
  >,
  env: NodeJS.ProcessEnv = process.env,
): Record<string, string> {
  const values: Record<string, string | undefined> = {
    STARROCKS_DATABASE: config.starrocksUrl ? parseStarrocksUrl(config.starrocksUrl).database : undefined,
    LAMBDA_IOT_NAME_PREFIX: config.namePrefix,
    LAMBDA_IOT_STARROCKS_KAFKA_BROKERS: config.starrocksKafkaBrokers?.join(','),
    LAMBDA_IOT_STARROCKS_NESSIE_URI: config.starrocksNessieUri?.replace(/\/+$/, ''),
    LAMBDA_IOT_STARROCKS_S3_ENDPOINT: config.starrocksS3Endpoint,
    LAMBDA_IOT_S3_REGION: config.s3Region,
    AWS_ACCESS_KEY_ID: env.AWS_ACCESS_KEY_ID,
    AWS_SECRET_ACCESS_KEY: env.AWS_SECRET_ACCESS_KEY,
  };
  return Object.fromEntries(
    Object.entries(values).filter((e): e is [string, string] => e[1] !== undefined && e[1] !== ''),
  );
}

/**
 * Fills a statement's placeholders. Values go inside quoted literals or identifiers, so a value holding a
 * quote, a backquote or a backslash is refused (naming the placeholder, never showing the value).
 */
export function fillPlaceholders(statement: SqlStatement, values: Record<string, string>): string {
  return statement.sql.replace(/\$\{([A-Z][A-Z0-9_]*)\}/g, (_m, name: string) => {
    const value = values[name];
    const where = `${statement.file}:${statement.line}`;
    if (value === undefined) {
      throw new ConfigError(
        PLACEHOLDER_SOURCES[name] ?? name,
        `not set, and ${where} needs it for \${${name}}`,
      );
    }
    if (/["'`\\]/.test(value)) {
      throw new ConfigError(
        PLACEHOLDER_SOURCES[name] ?? name,
        `holds a quote or a backslash, which \${${name}} at ${where} cannot take`,
      );
    }
    return value;
  });
}

/** Replaces every placeholder value found in a text (e.g. a server's error message) by its `${NAME}`. */
export function redactValues(text: string, values: Record<string, string>): string {
  const entries = Object.entries(values)
    .filter(([, v]) => v.length >= 3)
    .sort((a, b) => b[1].length - a[1].length);
  let out = text;
  for (const [name, value] of entries) out = out.split(value).join(`\${${name}}`);
  return out;
}

/** The parts of LAMBDA_IOT_STARROCKS_URL (mysql://user:password@host:9030/database). */
export interface StarrocksUrl {
  host: string;
  port: number;
  user: string;
  password: string;
  database: string;
}

/** Parses LAMBDA_IOT_STARROCKS_URL; errors never show the password. */
export function parseStarrocksUrl(url: string): StarrocksUrl {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ConfigError('LAMBDA_IOT_STARROCKS_URL', 'expected mysql://user:password@host:9030/database');
  }
  if (parsed.protocol !== 'mysql:') {
    throw new ConfigError('LAMBDA_IOT_STARROCKS_URL', 'expected a mysql:// URL');
  }
  const database = decodeURIComponent(parsed.pathname.replace(/^\//, '')) || 'iot';
  if (!/^[A-Za-z][A-Za-z0-9_]*$/.test(database)) {
    throw new ConfigError(
      'LAMBDA_IOT_STARROCKS_URL',
      `database name ${JSON.stringify(database)}: letters, digits and _ only, starting with a letter`,
    );
  }
  return {
    host: parsed.hostname,
    port: parsed.port ? Number(parsed.port) : 9030,
    user: decodeURIComponent(parsed.username) || 'root',
    password: decodeURIComponent(parsed.password),
    database,
  };
}

/** The SELECT of a CREATE MATERIALIZED VIEW file: the text after its line `AS`, without the final `;`. */
export function materializedViewSelect(file: SqlFile): string {
  const match = /\nAS\n([\s\S]*?);?\s*$/.exec(file.text);
  if (!match) throw new KitError(`starrocks: ${file.name} has no line "AS" before its SELECT`);
  return match[1]!;
}

/**
 * A StarRocks view SELECT as DuckDB text: backquoted identifiers become double-quoted ones and the Gold
 * table of the lake catalog becomes the serving copy. Nothing else is translated — the SELECTs are written
 * in the subset both engines run.
 */
export function starrocksSelectForDuckDb(select: string): string {
  return select
    .replace(/lambda_iot_lake\.iot\.gold_device_health/g, 'gold_device_health')
    .replace(/lambda_iot_lake\.iot\.gold_failure_predictions/g, 'gold_failure_predictions')
    .replace(/`([^`]*)`/g, '"$1"');
}
