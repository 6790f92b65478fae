import fs from 'node:fs';
import path from 'node:path';

/** The package name that marks the kit's root directory. */
export const PACKAGE_NAME = 'lambda-iot-kit';

function readPackageName(dir: string): string | undefined {
  try {
    const json = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as { name?: unknown };
    return typeof json.name === 'string' ? json.name : '';
  } catch {
    return undefined;
  }
}

/**
 * The kit's root directory: the nearest ancestor of `from` whose package.json is named lambda-iot-kit,
 * else the nearest ancestor with any package.json, else `from` itself. Found at run time (no
 * import.meta), so it works the same under tsx, vitest and tslab.
 * @example findProjectRoot(); // "/home/me/lambda-iot-kit" when run anywhere inside it
 * @example findProjectRoot('/home/me/lambda-iot-kit/notebooks');
 */
export function findProjectRoot(from: string = process.cwd()): string {
  let nearestPackage: string | undefined;
  let dir = path.resolve(from);
  for (;;) {
    const name = readPackageName(dir);
    if (name === PACKAGE_NAME) return dir;
    if (name !== undefined) nearestPackage ??= dir;
    const parent = path.dirname(dir);
    if (parent === dir) return nearestPackage ?? path.resolve(from);
    dir = parent;
  }
}
