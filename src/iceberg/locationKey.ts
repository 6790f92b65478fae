import { fileURLToPath } from 'node:url';
import { InvalidArgumentError } from '../errors.js';
import { assertObjectKey } from '../store/objectKey.js';
import type { ObjectStore } from '../store/objectStore.js';

/**
 * A table location (`…/warehouse/<namespace>/<table>`) or a file under it (`…/metadata/<file>` or
 * `…/data/<file>`, `…/data/<partition>/<file>`), as the kit writes them. The leading `.*` is greedy, so
 * the match is the last such table folder in the path: an old root may itself contain `warehouse/`.
 */
const TABLE_PATH =
  /^.*\/(warehouse\/[a-z_][a-z0-9_]*\/[a-z_][a-z0-9_]*(?:\/(?:metadata|data)\/[^/]+(?:\/[^/]+)?)?)$/;

/**
 * The store key of a location that table metadata records (a metadata file, manifest list, manifest, data
 * file, or the table location itself). Locations are absolute URIs, as other Iceberg readers need them;
 * a URI of this store resolves as the store says (`store.keyOf`). In a local lake, a `file://` URI that
 * lies outside the lake root but has a table's layout resolves by its part from `warehouse/` on: the data
 * directory was copied or moved, and metadata written before names files under the old path. The key
 * still resolves inside this lake only (never the old path).
 * @example const bytes = await store.get(locationKey(store, snapshot['manifest-list']));
 */
export function locationKey(store: ObjectStore, uri: string): string {
  try {
    return store.keyOf(uri);
  } catch (error) {
    if (store.kind !== 'local' || !(error instanceof InvalidArgumentError) || !uri.startsWith('file:')) {
      throw error;
    }
    const match = TABLE_PATH.exec(filePathOf(uri) ?? '');
    if (match === null) throw error;
    return assertObjectKey(match[1]!);
  }
}

/** The path of a file:// URI with '/' separators, or undefined when it is not one. */
function filePathOf(uri: string): string | undefined {
  try {
    return fileURLToPath(uri).split('\\').join('/');
  } catch {
    return undefined;
  }
}
