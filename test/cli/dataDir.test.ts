import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, ROOT, runCli, runCliVia, tempDataDir } from '../support/cli.js';

const NOT_WRITABLE =
  /^lambda-iot: LAMBDA_IOT_DATA_DIR=(\S+) is not a writable directory \((.+)\); point it at a directory you can write$/m;
const NO_DATA_DIR =
  /^lambda-iot: no data directory at (\S+); run `lambda-iot simulate` or `npm start` first/m;

describe('LAMBDA_IOT_DATA_DIR that cannot be used is refused before anything is created (exit 2)', () => {
  it('a file: writing and reading commands say so and leave it alone', async () => {
    const file = path.join(tempDataDir('file'), 'data');
    fs.writeFileSync(file, 'not a directory\n');
    const write = await runCli(['simulate', '--devices', '1', '--days', '1'], { LAMBDA_IOT_DATA_DIR: file });
    expect(write.code, write.stderr).toBe(2);
    expect(write.stderr).toMatch(NOT_WRITABLE);
    expect(write.stderr).toContain(`(${file} is a file)`);
    const below = await runCli(['land', '--until-idle'], { LAMBDA_IOT_DATA_DIR: path.join(file, 'sub') });
    expect(below.code, below.stderr).toBe(2);
    expect(below.stderr).toContain(`is not a writable directory (cannot create it: ${file} is a file)`);
    const read = await runCli(['topics'], { LAMBDA_IOT_DATA_DIR: file });
    expect(read.code, read.stderr).toBe(2);
    expect(read.stderr).toContain(
      `LAMBDA_IOT_DATA_DIR=${file} is not a readable directory (${file} is a file)`,
    );
    expect(fs.readFileSync(file, 'utf8')).toBe('not a directory\n');
  });

  it('under /proc (where a recursive mkdir never returns): refused at once', async () => {
    const write = await runCli(
      ['land', '--until-idle'],
      { LAMBDA_IOT_DATA_DIR: '/proc/self/lambda-iot' },
      30_000,
    );
    expect(write.code, write.stderr).toBe(2);
    expect(write.stderr).toMatch(NOT_WRITABLE);
    expect(write.stderr).toContain('cannot create it: /proc/self is on proc, a kernel file system');
    const read = await runCli(['topics'], { LAMBDA_IOT_DATA_DIR: '/proc/self' }, 30_000);
    expect(read.code, read.stderr).toBe(2);
    expect(read.stderr).toContain('LAMBDA_IOT_DATA_DIR=/proc/self is not a readable directory');
  });

  it('reading commands never create a missing data directory', async () => {
    const missing = path.join(tempDataDir('missing'), 'data');
    const readers = [
      ['topics'],
      ['tail', 'iot-telemetry', '--from-beginning'],
      ['table', 'ls'],
      ['table', 'scan', 'gold_device_health'],
      ['catalog', 'log'],
      ['lake', 'ls'],
    ];
    for (const argv of readers) {
      const result = await runCli(argv, { LAMBDA_IOT_DATA_DIR: missing, LAMBDA_IOT_BUS: 'embedded' });
      expect(result.code, `${argv.join(' ')}: ${result.stderr}`).toBe(2);
      expect(result.stderr).toMatch(NO_DATA_DIR);
      expect(NO_DATA_DIR.exec(result.stderr)![1]).toBe(missing);
      expect(fs.existsSync(missing), argv.join(' ')).toBe(false);
    }
  });
});

/**
 * CI runs as root, and root writes through chmod 0555; so there the unwritable case runs the CLI as nobody
 * (uid 65534, via setpriv). That user needs to read the kit (worktree, node_modules) and to write tsx's
 * compile cache (tsx-65534 under its TMPDIR), so the test's files live under a directory of /tmp it can
 * reach (CI's TMPDIR is 0700). Anyone else runs the CLI as themselves: chmod 0555 binds them already.
 */
const asRoot = process.getuid?.() === 0;
const NOBODY = ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups'];
const wrapper = asRoot ? NOBODY : [];

function hasSetpriv(): boolean {
  try {
    execFileSync('setpriv', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Why the CLI cannot run as that user from here, or undefined when it can. */
function cannotRun(): string | undefined {
  const check = `for (const f of process.argv.slice(1)) require('fs').accessSync(f, require('fs').constants.R_OK)`;
  const files = [
    BIN,
    path.join(ROOT, 'src', 'cli', 'main.ts'),
    path.join(ROOT, 'node_modules', 'tsx', 'package.json'),
  ];
  const argv = [...wrapper, process.execPath, '-e', check, ...files];
  try {
    execFileSync(argv[0]!, argv.slice(1), { stdio: 'pipe' });
    return undefined;
  } catch (error) {
    return `${wrapper.join(' ') || 'this user'} cannot read the kit (${files.join(', ')}): ${String((error as { stderr?: Buffer }).stderr ?? error).trim()}`;
  }
}

const skip = asRoot && !hasSetpriv() && !process.env.CI;
if (skip) {
  console.warn(
    'test/cli/dataDir.test.ts: SKIPPING the unwritable-data-directory test: running as root and setpriv (util-linux) is missing, so the CLI cannot run as an unprivileged user',
  );
}

describe.skipIf(skip)('an unwritable data directory (as root, the CLI runs as uid 65534)', () => {
  let base = '';
  let dataDir = '';
  let env: Record<string, string> = {};
  const listing = () => fs.readdirSync(dataDir, { recursive: true }).map(String).sort();

  beforeAll(() => {
    // Under /tmp itself, reachable by uid 65534; removed after the file.
    base = fs.mkdtempSync('/tmp/lambda-iot-unwritable-');
    fs.chmodSync(base, 0o755);
    const tmp = path.join(base, 'tmp'); // the child's TMPDIR: tsx's cache goes there
    fs.mkdirSync(tmp);
    fs.chmodSync(tmp, 0o777);
    dataDir = path.join(base, 'data');
    fs.mkdirSync(path.join(dataDir, 'lake', 'notes'), { recursive: true });
    fs.writeFileSync(path.join(dataDir, 'lake', 'notes', 'readme.txt'), 'left by the teacher\n');
    for (const dir of readOnlyDirs()) fs.chmodSync(dir, 0o555);
    env = { LAMBDA_IOT_DATA_DIR: dataDir, TMPDIR: tmp, LAMBDA_IOT_BUS: 'embedded' };
  });
  const readOnlyDirs = () => [dataDir, path.join(dataDir, 'lake'), path.join(dataDir, 'lake', 'notes')];
  afterAll(() => {
    if (!base) return;
    for (const dir of readOnlyDirs()) fs.chmodSync(dir, 0o755);
    fs.rmSync(base, { recursive: true, force: true });
  });

  it('the CLI can run as that user here (setpriv present when root, the kit readable)', () => {
    if (asRoot) expect(hasSetpriv(), 'setpriv (util-linux) is required to run this test as root').toBe(true);
    expect(cannotRun()).toBeUndefined();
  });

  it('a writing command refuses it, naming the variable and the reason; nothing is created', async () => {
    const before = listing();
    const simulate = await runCliVia(wrapper, ['simulate', '--devices', '1', '--days', '1'], env);
    expect(simulate.code, simulate.stderr).toBe(2);
    expect(simulate.stderr).toMatch(NOT_WRITABLE);
    expect(simulate.stderr).toContain(
      `LAMBDA_IOT_DATA_DIR=${dataDir} is not a writable directory (permission denied on ${dataDir})`,
    );
    const below = await runCliVia(wrapper, ['batch'], {
      ...env,
      LAMBDA_IOT_DATA_DIR: path.join(dataDir, 'new'),
    });
    expect(below.code, below.stderr).toBe(2);
    expect(below.stderr).toContain(`(cannot create it: permission denied on ${dataDir})`);
    expect(listing()).toEqual(before);
  });

  it('a reading command only needs it readable', async () => {
    const lake = await runCliVia(wrapper, ['lake', 'ls'], env);
    expect(lake.code, lake.stderr).toBe(0);
    expect(lake.stdout).toMatch(/^notes\/ +1 /m);
  });

  it('the embedded log and catalog are read there too (from a private copy: SQLite would write beside them)', async () => {
    // Made by root before the directory is locked: what a teacher leaves in a read-only share.
    const shared = path.join(base, 'shared');
    fs.mkdirSync(shared);
    const owner = { ...env, LAMBDA_IOT_DATA_DIR: shared };
    expect((await runCli(['simulate', '--devices', '1', '--days', '1'], owner)).code).toBe(0);
    expect((await runCli(['catalog', 'branches'], owner)).code).toBe(0);
    const topics = await runCli(['topics'], owner);
    expect(topics.code, topics.stderr).toBe(0);
    const locked = [shared, path.join(shared, 'log'), path.join(shared, 'catalog')];
    const before = () => fs.readdirSync(shared, { recursive: true }).map(String).sort();
    const listed = before();
    for (const dir of locked) fs.chmodSync(dir, 0o555);
    try {
      const read = await runCliVia(wrapper, ['topics'], owner);
      expect(read.code, read.stderr).toBe(0);
      expect(read.stdout).toBe(topics.stdout);
      const branches = await runCliVia(wrapper, ['catalog', 'branches'], owner);
      expect(branches.code, branches.stderr).toBe(0);
      expect(branches.stdout).toMatch(/^main /m);
      const tables = await runCliVia(wrapper, ['table', 'ls'], owner);
      expect(tables.code, tables.stderr).toBe(0);
      // a writing command is still refused there
      const write = await runCliVia(wrapper, ['simulate', '--devices', '1', '--days', '1'], owner);
      expect(write.code).toBe(2);
      expect(write.stderr).toMatch(NOT_WRITABLE);
      expect(before()).toEqual(listed);
    } finally {
      for (const dir of locked) fs.chmodSync(dir, 0o755);
    }
  });
});
