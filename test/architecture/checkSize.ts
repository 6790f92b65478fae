/**
 * Measures the size of src/ files and of the functions in them, with TypeScript's parser: function
 * declarations, methods (and accessors, constructors), and function or arrow expressions assigned to a name
 * (a variable, a property, an export default). A function's lines run from its name to its closing brace.
 */
import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

export interface SizeLimits {
  /** Lines a file may have. */
  fileLines: number;
  /** Lines a named function may have. */
  functionLines: number;
}

export interface SizeViolation {
  /** Path relative to the checked root, with '/' separators. */
  file: string;
  /** 1-based line of the function's name (1 for a file). */
  line: number;
  /** The function's name, or '' for a whole file. */
  name: string;
  lines: number;
  limit: number;
}

export interface NamedFunction {
  name: string;
  line: number;
  lines: number;
}

function nameOf(node: ts.Node, sf: ts.SourceFile): string | undefined {
  if (ts.isFunctionDeclaration(node)) return node.name?.text ?? 'default';
  if (ts.isMethodDeclaration(node) || ts.isGetAccessorDeclaration(node) || ts.isSetAccessorDeclaration(node))
    return node.name.getText(sf);
  if (ts.isConstructorDeclaration(node)) return 'constructor';
  if (ts.isArrowFunction(node) || ts.isFunctionExpression(node)) {
    if (ts.isFunctionExpression(node) && node.name) return node.name.text;
    const parent = node.parent;
    if (
      ts.isVariableDeclaration(parent) ||
      ts.isPropertyAssignment(parent) ||
      ts.isPropertyDeclaration(parent)
    )
      return parent.name.getText(sf);
    if (ts.isExportAssignment(parent)) return 'default';
    if (ts.isBinaryExpression(parent) && parent.operatorToken.kind === ts.SyntaxKind.EqualsToken)
      return parent.left.getText(sf);
  }
  return undefined;
}

/** Every named function of a source text, with the line it starts on and its length in lines. */
export function namedFunctions(fileName: string, text: string): NamedFunction[] {
  const sf = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const found: NamedFunction[] = [];
  const lineOf = (pos: number) => sf.getLineAndCharacterOfPosition(pos).line + 1;
  const visit = (node: ts.Node) => {
    const name = nameOf(node, sf);
    if (name !== undefined) {
      // Measured from the name (the declaration's start without leading comments) to the last brace.
      const startNode = ts.isArrowFunction(node) || ts.isFunctionExpression(node) ? node.parent : node;
      const start = lineOf(startNode.getStart(sf));
      found.push({ name, line: start, lines: lineOf(node.getEnd()) - start + 1 });
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return found;
}

/** Lines of a text as an editor counts them (a final newline does not start a line). */
export function lineCount(text: string): number {
  if (text === '') return 0;
  const n = text.split('\n').length;
  return text.endsWith('\n') ? n - 1 : n;
}

/** The violations of one file's text. */
export function checkText(file: string, text: string, limits: SizeLimits): SizeViolation[] {
  const out: SizeViolation[] = [];
  const lines = lineCount(text);
  if (lines > limits.fileLines) out.push({ file, line: 1, name: '', lines, limit: limits.fileLines });
  for (const f of namedFunctions(file, text)) {
    if (f.lines > limits.functionLines) out.push({ file, ...f, limit: limits.functionLines });
  }
  return out;
}

/** The .ts files under root, relative, with '/' separators, sorted. */
export function sourceFiles(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith('.ts')) out.push(path.relative(root, full).split(path.sep).join('/'));
    }
  };
  walk(root);
  return out.sort();
}

export function checkTree(root: string, limits: SizeLimits): SizeViolation[] {
  return sourceFiles(root).flatMap((file) =>
    checkText(file, fs.readFileSync(path.join(root, file), 'utf8'), limits),
  );
}

export function formatSizeViolation(v: SizeViolation): string {
  return v.name === ''
    ? `${v.file}: ${v.lines} lines (limit ${v.limit})`
    : `${v.file}:${v.line} ${v.name}: ${v.lines} lines (limit ${v.limit})`;
}
