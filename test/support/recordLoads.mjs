// Preloaded with NODE_OPTIONS="--import …/recordLoads.mjs" (and RECORD_LOADS_FILE=…): appends the URL of
// every module the process resolves through the ESM loader to RECORD_LOADS_FILE, one per line.
import { register } from 'node:module';

register('./recordLoadsHooks.mjs', import.meta.url, { data: { file: process.env.RECORD_LOADS_FILE } });
