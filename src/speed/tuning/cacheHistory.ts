import {
  forEachHistoryItem,
  type HistoryItem,
  type HistorySource,
  type ReplayStats,
} from './historySource.js';

/**
 * Replays a source once and keeps its items in memory, so precursors, sweeps and backtests that each
 * replay the history read the log only once. The cached source has the same items in the same order and
 * the first pass's counts; its label says it is held in memory. Memory grows with the history (about
 * 200 bytes a reading).
 * @example const history = await cacheHistory(historyFromLog(log, config)); await sweepThreshold({ source: history, … });
 */
export async function cacheHistory(source: HistorySource): Promise<HistorySource> {
  const items: HistoryItem[] = [];
  await forEachHistoryItem(source, (item) => {
    items.push(item);
  });
  const stats: ReplayStats = { ...source.stats };
  return {
    label: `${source.label} (held in memory)`,
    stats,
    items: () => items,
  };
}
