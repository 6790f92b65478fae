import ts from 'typescript';
import { cellSource, type Notebook } from './notebookFile.js';

function addBindingNames(name: ts.BindingName, into: Set<string>): void {
  if (ts.isIdentifier(name)) into.add(name.text);
  else
    for (const element of name.elements)
      if (!ts.isOmittedExpression(element)) addBindingNames(element.name, into);
}

/** Names a cell declares at its top level (variables, functions, classes, imports). */
function topLevelNames(file: ts.SourceFile): Set<string> {
  const names = new Set<string>();
  for (const statement of file.statements) {
    if (ts.isVariableStatement(statement)) {
      for (const d of statement.declarationList.declarations) addBindingNames(d.name, names);
    } else if ((ts.isFunctionDeclaration(statement) || ts.isClassDeclaration(statement)) && statement.name) {
      names.add(statement.name.text);
    } else if (ts.isImportDeclaration(statement) && statement.importClause) {
      const clause = statement.importClause;
      if (clause.name) names.add(clause.name.text);
      const bindings = clause.namedBindings;
      if (bindings && ts.isNamespaceImport(bindings)) names.add(bindings.name.text);
      if (bindings && ts.isNamedImports(bindings)) for (const e of bindings.elements) names.add(e.name.text);
    }
  }
  return names;
}

/**
 * Code that TypeScript accepts but tslab runs wrongly: a shorthand property (`{ config }`) naming a
 * variable or import of an earlier cell is "not defined" at run time in tslab 1.0.22 (write
 * `config: config`). Returns one message per occurrence.
 * @example findTslabTraps(readNotebook('notebooks/01-ingestion.ipynb')); // []
 */
export function findTslabTraps(notebook: Notebook): string[] {
  const traps: string[] = [];
  const earlier = new Set<string>();
  notebook.cells.forEach((cell, index) => {
    if (cell.cell_type !== 'code') return;
    const file = ts.createSourceFile(`cell${index + 1}.ts`, cellSource(cell), ts.ScriptTarget.Latest, true);
    const own = topLevelNames(file);
    const visit = (node: ts.Node): void => {
      if (ts.isShorthandPropertyAssignment(node) && earlier.has(node.name.text) && !own.has(node.name.text)) {
        const { line } = file.getLineAndCharacterOfPosition(node.getStart());
        const name = node.name.text;
        traps.push(
          `cell ${index + 1} line ${line + 1}: { ${name} } names a variable of an earlier cell, which tslab loses; write ${name}: ${name}`,
        );
      }
      ts.forEachChild(node, visit);
    };
    visit(file);
    for (const name of own) earlier.add(name);
  });
  return traps;
}
