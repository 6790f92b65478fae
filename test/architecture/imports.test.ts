import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkRules, formatViolation, type ImportRules, readImports } from './checkImports.js';

const rules = JSON.parse(fs.readFileSync(path.join(__dirname, 'importRules.json'), 'utf8')) as ImportRules;
const SRC = path.join(__dirname, '..', '..', 'src');
const FIXTURE = path.join(__dirname, 'fixture', 'src');

describe('import rules (test/architecture/importRules.json)', () => {
  it('src/ breaks none of them', () => {
    const edges = readImports(SRC);
    expect(edges.length).toBeGreaterThan(300);
    const violations = checkRules(edges, rules).map((v) => formatViolation(v));
    expect(violations, violations.join('\n')).toEqual([]);
  });

  it('reports every planted violation of the fixture tree, with file and line, and nothing else', () => {
    const violations = checkRules(readImports(FIXTURE), rules);
    const found = violations.map((v) => `${v.file}:${v.line} → ${v.target} (${v.rule})`).sort();
    expect(found).toEqual(
      [
        'a/cycleA.ts:2 → b/cycleB.ts (no cycle between src/ folders (a ⇄ b))',
        'b/cycleB.ts:2 → a/cycleA.ts (no cycle between src/ folders (b ⇄ a))',
        'batch/usesSpeed.ts:2 → speed/rules.ts (the batch layer does not import the speed layer)',
        'batch/usesSpeed.ts:2 → speed/rules.ts (no cycle between src/ folders (batch ⇄ speed))',
        'speed/usesBatch.ts:2 → batch/gold.ts (no cycle between src/ folders (speed ⇄ batch))',
        'bus/usesCli.ts:2 → cli/program.ts (only the CLI imports the CLI)',
        'iceberg/usesCatalog.ts:3 → catalog/port.ts (iceberg never imports the catalog (the catalog imports iceberg))',
        'lake/usesNotebook.ts:2 → notebook/display.ts (only src/index.ts imports the notebook helpers)',
        'schema/usesBus.ts:2 → bus/port.ts (schema imports only time, errors.ts and config/names.ts)',
        'speed/usesBatch.ts:2 → batch/gold.ts (the speed layer does not import the batch layer)',
        'time/usesIngest.ts:2 → ingest/clock.ts (time is a leaf: it imports only errors.ts)',
      ].sort(),
    );
    // Each rule of the data file has at least one planted violation.
    for (const rule of rules.rules) expect(found.join('\n'), rule.name).toContain(`(${rule.name})`);
  });

  it('counts type-only, dynamic and re-export imports', () => {
    const edges = readImports(FIXTURE);
    const has = (file: string, target: string) => edges.some((e) => e.file === file && e.target === target);
    expect(has('iceberg/usesCatalog.ts', 'catalog/port.ts')).toBe(true); // import type
    expect(has('speed/usesBatch.ts', 'batch/gold.ts')).toBe(true); // import()
    expect(has('batch/usesSpeed.ts', 'speed/rules.ts')).toBe(true); // export … from
  });
});
