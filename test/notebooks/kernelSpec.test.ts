import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../src/errors.js';
import {
  buildKernelSpec,
  findJupyterDataDir,
  installKernelSpec,
  type JupyterEnvironment,
  KERNEL_NAME,
  kernelLauncherPath,
} from '../../src/kernel/kernelSpec.js';
import { findProjectRoot } from '../../src/util/projectRoot.js';

const root = findProjectRoot();

const machine = (overrides: Partial<JupyterEnvironment>): JupyterEnvironment => ({
  env: {},
  platform: 'linux',
  homedir: '/home/ada',
  askJupyter: () => undefined,
  ...overrides,
});

describe('findJupyterDataDir', () => {
  it('asks `jupyter --data-dir` first (pip, conda and Debian Jupyter all answer it)', () => {
    const found = findJupyterDataDir(machine({ askJupyter: () => '/opt/conda/share/jupyter' }));
    expect(found).toEqual({ dir: '/opt/conda/share/jupyter', source: 'jupyter --data-dir' });
  });

  it("falls back to jupyter_core's per-platform default without jupyter on PATH", () => {
    expect(findJupyterDataDir(machine({})).dir).toBe('/home/ada/.local/share/jupyter');
    expect(findJupyterDataDir(machine({ env: { XDG_DATA_HOME: '/xdg' } })).dir).toBe('/xdg/jupyter');
    expect(findJupyterDataDir(machine({ platform: 'darwin', homedir: '/Users/ada' })).dir).toBe(
      '/Users/ada/Library/Jupyter',
    );
    expect(
      findJupyterDataDir(machine({ platform: 'win32', env: { APPDATA: 'C:\\Users\\ada\\AppData\\Roaming' } }))
        .dir,
    ).toBe('C:\\Users\\ada\\AppData\\Roaming\\jupyter');
    expect(findJupyterDataDir(machine({ env: { JUPYTER_DATA_DIR: '/custom' } }))).toEqual({
      dir: '/custom',
      source: 'platform default',
    });
  });
});

describe('kernelspec', () => {
  it('runs node with the launcher by absolute paths, for a typescript kernel', () => {
    const spec = buildKernelSpec({ root, node: '/usr/bin/node' });
    expect(spec.argv).toEqual([
      '/usr/bin/node',
      path.join(root, 'src/kernel/kernelLauncher.cjs'),
      '{connection_file}',
    ]);
    expect(spec.language).toBe('typescript');
    expect(spec.metadata.lambda_iot_kit.root).toBe(root);
    expect(fs.existsSync(kernelLauncherPath(root))).toBe(true);
  });

  it('installs kernel.json into <kernels dir>/lambda-iot-kit and replaces an older one', () => {
    const kernelsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kernels-'));
    try {
      installKernelSpec({ root, kernelsDir, node: '/old/node' });
      const { file } = installKernelSpec({ root, kernelsDir });
      expect(file).toBe(path.join(kernelsDir, KERNEL_NAME, 'kernel.json'));
      const written = JSON.parse(fs.readFileSync(file, 'utf8'));
      expect(written.argv[0]).toBe(process.execPath);
      expect(written.display_name).toBe('TypeScript (lambda-iot-kit)');
      expect(() => installKernelSpec({ root, kernelsDir, name: '../escape' })).toThrow(InvalidArgumentError);
      expect(() => installKernelSpec({ root: kernelsDir, kernelsDir })).toThrow(/launcher not found/);
    } finally {
      fs.rmSync(kernelsDir, { recursive: true, force: true });
    }
  });

  it('has a launcher that explains its usage when started without a connection file', () => {
    const result = spawnSync(process.execPath, [kernelLauncherPath(root)], { encoding: 'utf8' });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('usage: node kernelLauncher.cjs <connection file>');
  });
});
