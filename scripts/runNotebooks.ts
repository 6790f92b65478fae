/**
 * `npm run notebooks [-- <filter>… [--require-image <filter>[=<cell text>]]]`: executes every
 * notebooks/*.ipynb (or those whose name contains a filter) headless with Jupyter's nbconvert on the
 * lambda-iot-kit kernel, writes the executed copies to data/notebooks/executed/, and fails on any cell
 * error, naming the notebook and the cell. --require-image also fails when a matching notebook has no
 * SVG/PNG output (in a cell containing <cell text>, when given).
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { KERNEL_NAME } from '../src/kernel/kernelSpec.js';
import { listNotebooks } from '../src/kernel/notebookChecks.js';
import { findCellFailures, hasImageOutput, readNotebook } from '../src/kernel/notebookFile.js';
import { findProjectRoot } from '../src/util/projectRoot.js';

const CELL_TIMEOUT_S = 600;

function parseArgs(argv: string[]): {
  filters: string[];
  requireImage: { filter: string; cellText?: string }[];
} {
  const filters: string[] = [];
  const requireImage: { filter: string; cellText?: string }[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--help') {
      console.log('usage: npm run notebooks [-- <filter>… [--require-image <filter>[=<cell text>]]]');
      process.exit(0);
    } else if (arg === '--require-image') {
      const value = argv[++i];
      if (!value)
        fail('--require-image needs a notebook filter, e.g. --require-image 01=chartDeviceTimeline', 2);
      const [filter, cellText] = value.split('=', 2) as [string, string | undefined];
      requireImage.push({ filter, cellText });
    } else if (arg.startsWith('-')) fail(`unknown option ${arg}`, 2);
    else filters.push(arg);
  }
  return { filters, requireImage };
}

function fail(message: string, code = 1): never {
  console.error(`notebooks: ${message}`);
  process.exit(code);
}

/** The installed kit kernel's project root, or undefined when no lambda-iot-kit kernel is installed. */
function installedKernelRoot(env: NodeJS.ProcessEnv): string | undefined {
  const result = spawnSync('jupyter', ['kernelspec', 'list', '--json'], { encoding: 'utf8', env });
  if (result.error) {
    fail(
      'jupyter not found on PATH. Install Jupyter (pip install notebook nbconvert, conda, or Debian: ' +
        'apt-get install jupyter-core jupyter-client python3-nbconvert python3-nbclient python3-ipykernel jupyter-nbconvert)',
    );
  }
  type KernelSpecs = Record<string, { spec: { metadata?: Record<string, unknown> } }>;
  let specs: KernelSpecs;
  try {
    specs = (JSON.parse(result.stdout) as { kernelspecs: KernelSpecs }).kernelspecs;
  } catch {
    fail(`\`jupyter kernelspec list --json\` did not answer JSON:\n${result.stdout}${result.stderr}`);
  }
  const spec = specs[KERNEL_NAME]?.spec;
  if (!spec) return undefined;
  return (spec.metadata?.lambda_iot_kit as { root?: string } | undefined)?.root ?? '(unknown)';
}

const root = findProjectRoot();
const { filters, requireImage } = parseArgs(process.argv.slice(2));
const env = { ...process.env, PYDEVD_DISABLE_FILE_VALIDATION: '1' };
const matches = (notebookPath: string, filter: string) => path.basename(notebookPath).includes(filter);
const notebooks = listNotebooks(root).filter(
  (n) => filters.length === 0 || filters.some((f) => matches(n, f)),
);
if (notebooks.length === 0) fail(`no notebook matches ${filters.join(', ') || 'notebooks/*.ipynb'}`, 2);

const kernelRoot = installedKernelRoot(env);
if (kernelRoot === undefined)
  fail(`no "${KERNEL_NAME}" Jupyter kernel: run \`npm run kernel:install\` first`);
if (path.resolve(kernelRoot) !== root) {
  fail(`the "${KERNEL_NAME}" kernel runs ${kernelRoot}, not ${root}: run \`npm run kernel:install\` here`);
}

const outDir = path.join(root, 'data', 'notebooks', 'executed');
fs.mkdirSync(outDir, { recursive: true });
const problems: string[] = [];
const started = Date.now();
for (const notebookPath of notebooks) {
  const t0 = Date.now();
  console.log(`▶ ${notebookPath}`);
  // allow_errors keeps executing and always writes the executed copy: tslab reports a failed cell only
  // on stderr, so the failures are read from that copy (nbconvert alone would not say what failed).
  const result = spawnSync(
    'jupyter',
    [
      'nbconvert',
      '--to',
      'notebook',
      '--execute',
      `--ExecutePreprocessor.kernel_name=${KERNEL_NAME}`,
      `--ExecutePreprocessor.timeout=${CELL_TIMEOUT_S}`,
      '--ExecutePreprocessor.allow_errors=True',
      '--output-dir',
      outDir,
      path.join(root, notebookPath),
    ],
    { cwd: root, env, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 },
  );
  const seconds = ((Date.now() - t0) / 1000).toFixed(1);
  const executed = path.join(outDir, path.basename(notebookPath));
  if (result.status !== 0) {
    problems.push(`${notebookPath}: nbconvert failed (exit ${result.status ?? result.signal})`);
    console.error(result.stderr.split('\n').slice(-40).join('\n'));
    continue;
  }
  const notebook = readNotebook(executed);
  const failures = findCellFailures(notebook);
  for (const f of failures) {
    problems.push(
      `${notebookPath} cell ${f.cell} (${f.firstLine.trim()}) failed:\n${f.message.replace(/^/gm, '    ')}`,
    );
  }
  for (const r of requireImage.filter((r) => matches(notebookPath, r.filter))) {
    if (!hasImageOutput(notebook, { cellContains: r.cellText })) {
      const where = r.cellText ? ` in a cell containing "${r.cellText}"` : '';
      problems.push(`${notebookPath}: no image/svg+xml or image/png output${where} in ${executed}`);
    }
  }
  console.log(
    `${failures.length === 0 ? '✓' : '✗'} ${notebookPath} in ${seconds} s → ${path.relative(root, executed)}`,
  );
}

if (problems.length > 0) {
  console.error(`\n${problems.length} problem(s):\n${problems.map((p) => `✗ ${p}`).join('\n')}`);
  process.exit(1);
}
console.log(`${notebooks.length} notebook(s) ran cleanly in ${((Date.now() - started) / 1000).toFixed(1)} s`);
