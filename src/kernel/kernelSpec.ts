import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { InvalidArgumentError } from '../errors.js';

/** Name of the kit's Jupyter kernel (what notebooks and `nbconvert --ExecutePreprocessor.kernel_name` use). */
export const KERNEL_NAME = 'lambda-iot-kit';

/** A Jupyter kernelspec (kernel.json). */
export interface KernelSpec {
  argv: string[];
  display_name: string;
  language: 'typescript';
  interrupt_mode: 'signal';
  metadata: { lambda_iot_kit: { root: string } };
}

/** Path of the launcher the kernelspec runs, under the project root. */
export function kernelLauncherPath(root: string): string {
  return path.join(root, 'src', 'kernel', 'kernelLauncher.cjs');
}

/**
 * The kernelspec of the kit: Node (absolute path) runs the launcher, which makes the project root the
 * working directory and starts the project's tslab, so cells can `import … from './src/index'`.
 * @example buildKernelSpec({ root: '/home/me/lambda-iot-kit' }).argv; // ['/usr/bin/node', '…/kernelLauncher.cjs', '{connection_file}']
 */
export function buildKernelSpec(options: { root: string; node?: string }): KernelSpec {
  const root = path.resolve(options.root);
  return {
    argv: [options.node ?? process.execPath, kernelLauncherPath(root), '{connection_file}'],
    display_name: 'TypeScript (lambda-iot-kit)',
    language: 'typescript',
    interrupt_mode: 'signal',
    metadata: { lambda_iot_kit: { root } },
  };
}

/** What findJupyterDataDir reads from the machine; tests pass their own. */
export interface JupyterEnvironment {
  env: NodeJS.ProcessEnv;
  platform: NodeJS.Platform;
  homedir: string;
  /** Output of `jupyter --data-dir`, or undefined when jupyter is not on PATH or fails. */
  askJupyter: () => string | undefined;
}

function askJupyterDataDir(): string | undefined {
  const result = spawnSync('jupyter', ['--data-dir'], { encoding: 'utf8', timeout: 30_000 });
  if (result.error || result.status !== 0) return undefined;
  const lines = result.stdout.split(/\r?\n/).filter((line) => line.trim() !== '');
  return lines.at(-1)?.trim();
}

const machine = (): JupyterEnvironment => ({
  env: process.env,
  platform: process.platform,
  homedir: os.homedir(),
  askJupyter: askJupyterDataDir,
});

/**
 * The user's Jupyter data directory (kernelspecs go to its kernels/ folder): what `jupyter --data-dir`
 * says when jupyter is on PATH (pip, conda or Debian alike), else jupyter_core's platform default —
 * $JUPYTER_DATA_DIR, ~/Library/Jupyter on macOS, %APPDATA%\jupyter on Windows,
 * $XDG_DATA_HOME/jupyter or ~/.local/share/jupyter elsewhere.
 * @example findJupyterDataDir(); // { dir: '/home/me/.local/share/jupyter', source: 'jupyter --data-dir' }
 */
export function findJupyterDataDir(environment: JupyterEnvironment = machine()): {
  dir: string;
  source: 'jupyter --data-dir' | 'platform default';
} {
  const answer = environment.askJupyter();
  if (answer) return { dir: answer, source: 'jupyter --data-dir' };
  const { env, platform, homedir } = environment;
  const join = platform === 'win32' ? path.win32.join : path.posix.join;
  let dir: string;
  if (env.JUPYTER_DATA_DIR) dir = env.JUPYTER_DATA_DIR;
  else if (platform === 'darwin') dir = join(homedir, 'Library', 'Jupyter');
  else if (platform === 'win32')
    dir = env.APPDATA ? join(env.APPDATA, 'jupyter') : join(homedir, '.jupyter', 'data');
  else dir = join(env.XDG_DATA_HOME || join(homedir, '.local', 'share'), 'jupyter');
  return { dir, source: 'platform default' };
}

/**
 * Writes the kit's kernelspec to <kernelsDir>/<name>/kernel.json (default: the user's Jupyter data
 * directory's kernels/lambda-iot-kit) with absolute paths, replacing an older one.
 * @example const { file } = installKernelSpec({ root: findProjectRoot() });
 */
export function installKernelSpec(options: {
  root: string;
  kernelsDir?: string;
  name?: string;
  node?: string;
}): {
  file: string;
  spec: KernelSpec;
} {
  const name = options.name ?? KERNEL_NAME;
  if (!/^[A-Za-z0-9._-]+$/.test(name)) {
    throw new InvalidArgumentError(
      `kernel name: letters, digits, ".", "_" and "-" only, got ${JSON.stringify(name)}`,
    );
  }
  const launcher = kernelLauncherPath(path.resolve(options.root));
  if (!fs.existsSync(launcher)) {
    throw new InvalidArgumentError(`kernel launcher not found: ${launcher} (is root the kit's directory?)`);
  }
  const kernelsDir = options.kernelsDir ?? path.join(findJupyterDataDir().dir, 'kernels');
  const spec = buildKernelSpec({ root: options.root, node: options.node });
  const dir = path.join(kernelsDir, name);
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'kernel.json');
  fs.writeFileSync(file, `${JSON.stringify(spec, null, 2)}\n`);
  return { file, spec };
}
