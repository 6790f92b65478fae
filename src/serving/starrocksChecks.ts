import { PLACEHOLDER_SOURCES, placeholdersOf, type SqlFile, splitStatements } from './starrocksSql.js';

/**
 * Invariants of the kit's StarRocks SQL that can be checked without a StarRocks (the defaults and habits
 * that lose data or time there; DESIGN.md "Serving … facts to build on"). Returns one line per problem,
 * "<file>:<line>: <what>"; empty when every file passes.
 */
export function checkStarrocksSql(files: readonly SqlFile[]): string[] {
  const problems: string[] = [];
  for (const file of files) {
    if (!/^--\s*\S/.test(file.text)) {
      problems.push(`${file.name}:1: does not start with a comment saying what it does and when to run it`);
    }
    for (const name of placeholdersOf(file.text)) {
      if (!(name in PLACEHOLDER_SOURCES)) problems.push(`${file.name}: unknown placeholder \${${name}}`);
    }
    for (const statement of splitStatements(file)) {
      const where = `${file.name}:${statement.line}`;
      const sql = statement.sql;
      if (/\b(DATETIME|TIMESTAMP)\s*\(\s*\d+\s*\)/i.test(sql)) {
        problems.push(`${where}: DATETIME(n) is a syntax error in StarRocks (DATETIME keeps microseconds)`);
      }
      problems.push(...literalCredentials(sql).map((key) => `${where}: literal credential in "${key}"`));
      if (/^CREATE\s+TABLE/i.test(sql) && /\bPRIMARY\s+KEY\s*\(/i.test(sql)) {
        problems.push(...checkPrimaryKeyTable(sql).map((p) => `${where}: ${p}`));
      }
      if (/^CREATE\s+ROUTINE\s+LOAD/i.test(sql)) {
        problems.push(...checkRoutineLoad(sql).map((p) => `${where}: ${p}`));
      }
      if (/^CREATE\s+MATERIALIZED\s+VIEW/i.test(sql)) {
        const head = sql.split(/\nAS\n/)[0] ?? sql;
        if (!/\bREFRESH\s+(ASYNC|MANUAL|IMMEDIATE|DEFERRED)\b/i.test(head)) {
          problems.push(
            `${where}: materialized view without an explicit REFRESH clause (the default is MANUAL)`,
          );
        }
      }
    }
  }
  return problems;
}

const unquote = (name: string) => name.trim().replace(/^`|`$/g, '');

/** Primary-key tables list their key columns first, in key order, each NOT NULL. */
function checkPrimaryKeyTable(sql: string): string[] {
  const open = sql.indexOf('(');
  const close = matchingParen(sql, open);
  const columns = splitTopLevel(sql.slice(open + 1, close)).map((def) => {
    const match = /^\s*(`[^`]+`|\w+)\s+([\s\S]*)$/.exec(def)!;
    return { name: unquote(match[1]!), rest: match[2]! };
  });
  const key = /\bPRIMARY\s+KEY\s*\(([^)]*)\)/i.exec(sql.slice(close))?.[1];
  if (key === undefined) return ['PRIMARY KEY clause not found after the columns'];
  const keyColumns = key.split(',').map(unquote);
  const problems: string[] = [];
  keyColumns.forEach((name, i) => {
    if (columns[i]?.name !== name) {
      problems.push(
        `primary key column ${i + 1} is ${name}, but column ${i + 1} of the table is ${columns[i]?.name ?? '(none)'} (key columns must come first, in key order)`,
      );
    }
    const column = columns.find((c) => c.name === name);
    if (column && !/\bNOT\s+NULL\b/i.test(column.rest))
      problems.push(`primary key column ${name} is not NOT NULL`);
  });
  return problems;
}

/** The `"key" = "value"` pairs of a statement's PROPERTIES / FROM KAFKA lists. */
function properties(sql: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of sql.matchAll(/"([^"\\]+)"\s*=\s*"((?:[^"\\]|\\.)*)"/g)) out.set(m[1]!, m[2]!);
  return out;
}

/** Every routine load: timezone UTC, format json, an error budget, no `$[*]` jsonpaths without strip_outer_array. */
function checkRoutineLoad(sql: string): string[] {
  const props = properties(sql);
  const problems: string[] = [];
  if (props.get('timezone') !== 'UTC') {
    problems.push('routine load without "timezone" = "UTC" (the default is Asia/Shanghai)');
  }
  if (props.get('format')?.toLowerCase() !== 'json') problems.push('routine load without "format" = "json"');
  const errors = Number(props.get('max_error_number') ?? Number.NaN);
  const ratio = Number(props.get('max_filter_ratio') ?? Number.NaN);
  if (!(errors > 0) && !(ratio > 0 && ratio < 1)) {
    problems.push(
      'routine load without an error budget (max_error_number > 0 or max_filter_ratio below 1): the default pauses on the first bad row',
    );
  }
  const jsonpaths = props.get('jsonpaths') ?? '';
  if (jsonpaths.includes('$[*]') && props.get('strip_outer_array') !== 'true') {
    problems.push('jsonpaths "$[*]…" without "strip_outer_array" = "true" (messages hold one object each)');
  }
  return problems;
}

/** Property keys naming credentials whose value is not a `${NAME}` placeholder. */
function literalCredentials(sql: string): string[] {
  const found: string[] = [];
  for (const [key, value] of properties(sql)) {
    if (/access_key|secret|password|credential|token/i.test(key) && !/^\$\{[A-Z0-9_]+\}$/.test(value)) {
      found.push(key);
    }
  }
  for (const m of sql.matchAll(/\b(IDENTIFIED\s+BY|PASSWORD\s*\()\s*'[^']*'/gi)) found.push(m[1]!);
  return found;
}

function matchingParen(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    if (text[i] === '(') depth++;
    else if (text[i] === ')' && --depth === 0) return i;
  }
  return text.length;
}

function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '(') depth++;
    else if (text[i] === ')') depth--;
    else if (text[i] === ',' && depth === 0) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts.filter((p) => p.trim());
}
