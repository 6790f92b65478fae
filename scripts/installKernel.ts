/**
 * `npm run kernel:install [-- --kernels-dir <dir>]`: registers the lambda-iot-kit Jupyter kernel (tslab
 * started from the project root) for the current user. Works with Jupyter from pip, conda or Debian.
 */
import path from 'node:path';
import { findJupyterDataDir, installKernelSpec, KERNEL_NAME } from '../src/kernel/kernelSpec.js';
import { findProjectRoot } from '../src/util/projectRoot.js';

const args = process.argv.slice(2);
const at = args.indexOf('--kernels-dir');
if (args.includes('--help')) {
  console.log('usage: npm run kernel:install [-- --kernels-dir <dir>]');
  process.exit(0);
}
let kernelsDir: string | undefined;
let where = '';
if (at >= 0) {
  kernelsDir = args[at + 1];
  if (!kernelsDir) {
    console.error('kernel:install: --kernels-dir needs a directory');
    process.exit(2);
  }
} else {
  const found = findJupyterDataDir();
  where = ` (Jupyter data directory from ${found.source})`;
  kernelsDir = path.join(found.dir, 'kernels');
}
const { file, spec } = installKernelSpec({ root: findProjectRoot(), kernelsDir });
console.log(`Installed Jupyter kernel "${KERNEL_NAME}" (${spec.display_name}) at ${file}${where}`);
console.log(`  runs: ${spec.argv.join(' ')}`);
console.log(
  'Open notebooks/ in Jupyter and pick that kernel, or run them headless with `npm run notebooks`.',
);
