export { EPISODE_GAP_MS, EpisodeTracker } from './episodes.js';
export { describeRecommendation, formatPrecursorReport, formatRuleSet, formatSweepTable } from './format.js';
export {
  compareHistoryItems,
  emptyReplayStats,
  forEachHistoryItem,
  type HistoryItem,
  type HistorySource,
  historyFromArrays,
  historyFromMessages,
  historyFromSimulation,
  isInRange,
  orderHistory,
  type ReplayStats,
  type TimeRange,
} from './historySource.js';
export { historyFromLake } from './lakeHistory.js';
export {
  describePrecursor,
  type PrecursorSentenceRow,
  type PrecursorSourceOptions,
  type PrecursorSourceReport,
  reportPrecursors,
} from './precursorReport.js';
export { historyFromLog, type ReplayOptions, replayLog } from './replay.js';
export {
  type BacktestOptions,
  type BacktestResult,
  type BacktestScore,
  backtestRules,
  checkHorizon,
  computeMedian,
  type DeviceTime,
  PlantTally,
  type ScoreOptions,
  scoreAlerts,
} from './score.js';
export {
  type AlertBudget,
  findTunableRule,
  isWithinBudget,
  recommendRow,
  type SweepOptions,
  type SweepResult,
  type SweepRow,
  sweepThreshold,
  type TunableRule,
  withThreshold,
} from './sweep.js';
export {
  countDecimals,
  listThresholds,
  MAX_THRESHOLDS,
  parseThresholdRange,
  type ThresholdRange,
} from './thresholdRange.js';
