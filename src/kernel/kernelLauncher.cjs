#!/usr/bin/env node
// Starts the tslab kernel for the kit's notebooks (the argv of the lambda-iot-kit kernelspec).
//
// 1. tslab compiles cells with rootDir = its working directory, so notebooks in notebooks/ could not
//    import ../src: the launcher makes the project root the working directory first.
// 2. tslab type-checks cells and every src module they import with TypeScript's loose defaults, under
//    which strict code fails (no narrowing of `{ ok: true } | { ok: false }` without strictNullChecks):
//    the launcher adds the project's strictness flags from tsconfig.json to tslab's compiler options.
// 3. It runs the project's own tslab in this process, so Jupyter's interrupt (SIGINT) and shutdown reach
//    tslab directly and tslab's exit code is the kernel's.
// Plain CommonJS: it needs no TypeScript loader.
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const STRICTNESS_FLAGS = [
  'strict',
  'noImplicitAny',
  'strictNullChecks',
  'noUncheckedIndexedAccess',
  'noImplicitOverride',
  'noImplicitReturns',
  'exactOptionalPropertyTypes',
  'useUnknownInCatchVariables',
];

const connectionFile = process.argv[2];
if (!connectionFile) {
  console.error('usage: node kernelLauncher.cjs <connection file>  (Jupyter passes {connection_file})');
  process.exit(2);
}
const root = path.resolve(__dirname, '..', '..');
const tslabDir = path.join(root, 'node_modules', 'tslab');
if (!fs.existsSync(path.join(tslabDir, 'dist', 'main.js'))) {
  console.error(`lambda-iot-kit kernel: tslab not found in ${tslabDir}; run \`npm install\` in ${root}`);
  process.exit(1);
}

/** The strictness flags of the project's tsconfig.json, read with tslab's own TypeScript. */
function readStrictness(ts) {
  const file = path.join(root, 'tsconfig.json');
  const { config } = ts.readConfigFile(file, ts.sys.readFile);
  const options = config?.compilerOptions ?? {};
  return Object.fromEntries(STRICTNESS_FLAGS.filter((f) => f in options).map((f) => [f, options[f]]));
}

/** Makes tslab's TypeScript module (its exports are read-only getters) add `extra` to watch programs. */
function addCompilerOptions(tsPath) {
  const ts = require(tsPath);
  const extra = readStrictness(ts);
  const wrapped = { ...ts };
  wrapped.createWatchCompilerHost = (rootFiles, options, ...rest) =>
    ts.createWatchCompilerHost(rootFiles, { ...options, ...extra }, ...rest);
  require.cache[tsPath].exports = wrapped;
}

const configPath = path.resolve(connectionFile);
process.chdir(root);
addCompilerOptions(require.resolve('@tslab/typescript-for-tslab', { paths: [path.join(tslabDir, 'dist')] }));
// tslab reads its command line with commander: present it as `tslab kernel --config-path <file>`.
process.argv = [process.argv[0], path.join(tslabDir, 'bin', 'tslab'), 'kernel', '--config-path', configPath];
require(path.join(tslabDir, 'dist', 'main.js')).main();
