import fs from 'node:fs';
import path from 'node:path';
import { KitError } from '../errors.js';

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

/**
 * A file or folder shipped with the kit (e.g. `sql/duckdb/serving/schema.sql`), looked up under the project
 * root found from the working directory, then from the running command's folder. Throws a KitError
 * "<missing> from <cwd>; run the kit from its folder" when neither has it.
 * @example const dir = path.dirname(kitPath('sql/duckdb/serving/schema.sql', 'serving: cannot find sql/duckdb/serving/schema.sql'));
 */
export function kitPath(relative: string, missing: string): string {
  const starts = [process.cwd(), process.argv[1] ? path.dirname(process.argv[1]) : undefined];
  for (const start of starts) {
    if (start === undefined) continue;
    const found = path.join(findProjectRoot(start), ...relative.split('/'));
    if (fs.existsSync(found)) return found;
  }
  throw new KitError(`${missing} from ${process.cwd()}; run the kit from its folder`);
}
