import fs from 'node:fs';
import path from 'node:path';
import { CliError } from '../errors.js';

/** What a command does with the data directory: only reads what is there, or writes (creating it if needed). */
export type DataDirAccess = 'read' | 'write';

/**
 * Kernel file systems no data directory can live on. Node's recursive mkdir never ends under /proc (it
 * answers ENOENT for any new name), so these are refused before anything is created.
 */
const KERNEL_FILE_SYSTEMS = new Map<number, string>([
  [0x9fa0, 'proc'],
  [0x62656572, 'sysfs'],
  [0x1cd1, 'devpts'],
  [0x64626720, 'debugfs'],
  [0x27e0eb, 'cgroup'],
  [0x63677270, 'cgroup2'],
]);

/** Why `dir` (an existing path) cannot hold a data directory for `access`, or undefined when it can. */
function problemOf(dir: string, access: DataDirAccess): string | undefined {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(dir);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code ?? (error as Error).message;
  }
  if (!stat.isDirectory()) return `${dir} is a file`;
  const kernel = KERNEL_FILE_SYSTEMS.get(Number(fs.statfsSync(dir).type));
  if (kernel !== undefined) return `${dir} is on ${kernel}, a kernel file system`;
  try {
    fs.accessSync(
      dir,
      access === 'write' ? fs.constants.W_OK | fs.constants.X_OK : fs.constants.R_OK | fs.constants.X_OK,
    );
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code === 'EROFS' ? `${dir} is on a read-only file system` : `permission denied on ${dir}`;
  }
  return undefined;
}

/** The nearest path at or above `dir` that exists (the root always does). */
function nearestExisting(dir: string): string {
  let current = dir;
  while (!fs.existsSync(current)) {
    const parent = path.dirname(current);
    if (parent === current) return current;
    current = parent;
  }
  return current;
}

/**
 * Checks the data directory once, before a command creates anything in it, and throws a CliError (exit 2)
 * saying what to change. A writing command needs a writable directory, or one it can create (the nearest
 * existing ancestor must be a writable directory); a reading command needs an existing, readable one and
 * never creates it.
 * @example checkDataDir(config.dataDir, 'read'); // throws "no data directory at /home/me/data; …" when missing
 */
export function checkDataDir(dir: string, access: DataDirAccess): void {
  const absolute = path.resolve(dir);
  if (access === 'read') {
    if (!fs.existsSync(absolute)) {
      throw new CliError(
        `no data directory at ${absolute}; run \`lambda-iot simulate\` or \`npm start\` first, or set LAMBDA_IOT_DATA_DIR to an existing one`,
        { exitCode: 2 },
      );
    }
    const problem = problemOf(absolute, 'read');
    if (problem !== undefined) {
      throw new CliError(`LAMBDA_IOT_DATA_DIR=${absolute} is not a readable directory (${problem})`, {
        exitCode: 2,
      });
    }
    return;
  }
  const existing = nearestExisting(absolute);
  const problem = problemOf(existing, 'write');
  if (problem !== undefined) {
    const creating = existing === absolute ? '' : `cannot create it: `;
    throw new CliError(
      `LAMBDA_IOT_DATA_DIR=${absolute} is not a writable directory (${creating}${problem}); point it at a directory you can write`,
      { exitCode: 2 },
    );
  }
}
