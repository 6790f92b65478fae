import { openLog } from '../bus/openLog.js';
import type { Log } from '../bus/port.js';
import { type Config, loadConfig } from '../config/config.js';

/** Loads the config, opens the configured log, runs `fn`, and always closes the log. */
export async function withLog<T>(fn: (log: Log, config: Config) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const log = await openLog(config);
  try {
    return await fn(log, config);
  } finally {
    await log.close();
  }
}
