import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

/**
 * The import-rule checker behind test/architecture/imports.test.ts: parses every module under a src/
 * tree with TypeScript's own pre-processor (static, type-only and dynamic imports, re-exports, require)
 * and reports each import that breaks a rule of importRules.json, with file and line.
 */

/** One rule of importRules.json. Patterns are src-relative paths ("time", "config/names.ts") or "*". */
export interface ImportRule {
  name: string;
  /** Modules the rule applies to. */
  from: string[];
  /** Modules exempt from the rule. */
  except?: string[];
  /** The only modules these may import (a whitelist) … */
  allow?: string[];
  /** … or the modules these may not import (a blacklist). */
  deny?: string[];
}

export interface ImportRules {
  noFolderCycles: boolean;
  rules: ImportRule[];
}

/** One import of one src module by another. */
export interface ImportEdge {
  /** src-relative path of the importing file, e.g. "lake/landingSink.ts". */
  file: string;
  line: number;
  /** src-relative path of the imported module. */
  target: string;
}

export interface Violation {
  rule: string;
  file: string;
  line: number;
  target: string;
}

const MODULE_FILE = /\.(ts|cts|mts|cjs|mjs|js)$/;

function listModules(dir: string, base = dir): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...listModules(full, base));
    else if (MODULE_FILE.test(entry.name) && !entry.name.endsWith('.d.ts')) out.push(full);
  }
  return out;
}

/** The src-relative module a relative specifier names (".js" written for ".ts" sources), or undefined. */
function resolveSpecifier(srcRoot: string, fromFile: string, specifier: string): string | undefined {
  if (!specifier.startsWith('.')) return undefined;
  const abs = path.resolve(path.dirname(fromFile), specifier);
  const candidates = [abs, abs.replace(/\.js$/, '.ts'), `${abs}.ts`, path.join(abs, 'index.ts')];
  const found = candidates.find((c) => fs.existsSync(c) && fs.statSync(c).isFile());
  if (!found) return undefined;
  const rel = path.relative(srcRoot, found);
  return rel.startsWith('..') ? undefined : rel.split(path.sep).join('/');
}

/** Every import between modules of the src tree at `srcRoot`. */
export function readImports(srcRoot: string): ImportEdge[] {
  const edges: ImportEdge[] = [];
  for (const file of listModules(srcRoot)) {
    const text = fs.readFileSync(file, 'utf8');
    const info = ts.preProcessFile(text, true, true);
    const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest);
    for (const ref of info.importedFiles) {
      const target = resolveSpecifier(srcRoot, file, ref.fileName);
      if (target === undefined) continue;
      edges.push({
        file: path.relative(srcRoot, file).split(path.sep).join('/'),
        line: source.getLineAndCharacterOfPosition(ref.pos).line + 1,
        target,
      });
    }
  }
  return edges;
}

/** The unit a module belongs to: its first folder under src/, or the file itself when it lies directly in src/. */
export const unitOf = (module: string): string => module.split('/')[0]!;

const matches = (module: string, pattern: string): boolean =>
  pattern === '*' || module === pattern || module.startsWith(`${pattern}/`);
const matchesAny = (module: string, patterns: readonly string[] = []): boolean =>
  patterns.some((p) => matches(module, p));

/** Imports that break a rule; one violation per (rule, import). */
export function checkRules(edges: readonly ImportEdge[], rules: ImportRules): Violation[] {
  const violations: Violation[] = [];
  for (const rule of rules.rules) {
    for (const edge of edges) {
      if (!matchesAny(edge.file, rule.from) || matchesAny(edge.file, rule.except)) continue;
      const broken =
        (rule.allow !== undefined && !matchesAny(edge.target, rule.allow)) ||
        (rule.deny !== undefined && matchesAny(edge.target, rule.deny));
      if (broken) violations.push({ rule: rule.name, file: edge.file, line: edge.line, target: edge.target });
    }
  }
  if (rules.noFolderCycles) violations.push(...findUnitCycles(edges));
  return violations;
}

/**
 * Imports that close a cycle between units: every import from one unit to another where both lie in the
 * same strongly connected component of the unit graph (Tarjan's algorithm).
 */
export function findUnitCycles(edges: readonly ImportEdge[]): Violation[] {
  const graph = new Map<string, Set<string>>();
  for (const e of edges) {
    const [a, b] = [unitOf(e.file), unitOf(e.target)];
    if (!graph.has(a)) graph.set(a, new Set());
    if (!graph.has(b)) graph.set(b, new Set());
    if (a !== b) graph.get(a)!.add(b);
  }
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const component = new Map<string, number>();
  let counter = 0;
  let components = 0;
  const visit = (v: string) => {
    index.set(v, counter);
    low.set(v, counter);
    counter++;
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v)!) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      for (;;) {
        const w = stack.pop()!;
        onStack.delete(w);
        component.set(w, components);
        if (w === v) break;
      }
      components++;
    }
  };
  for (const v of [...graph.keys()].sort()) if (!index.has(v)) visit(v);
  return edges
    .filter((e) => {
      const [a, b] = [unitOf(e.file), unitOf(e.target)];
      return a !== b && component.get(a) === component.get(b);
    })
    .map((e) => ({
      rule: `no cycle between src/ folders (${unitOf(e.file)} ⇄ ${unitOf(e.target)})`,
      file: e.file,
      line: e.line,
      target: e.target,
    }));
}

/** A violation as one line: "src/lake/x.ts:12 imports cli/y.ts — only the CLI imports the CLI". */
export function formatViolation(v: Violation, prefix = 'src/'): string {
  return `${prefix}${v.file}:${v.line} imports ${v.target} — ${v.rule}`;
}
