export {
  chartFile,
  type DisplayOptions,
  display,
  displayTable,
  findNotebookDisplay,
  type RichDisplay,
  slugify,
} from './display.js';
export { type DroppedFile, dropImpossibleReading } from './dropImpossibleReading.js';
export * from './exercises/index.js';
export { type ShownBatch, showBatch } from './showBatch.js';
export {
  describeLift,
  tabulateGroupLag,
  tabulatePrecursors,
  tabulateRecords,
  tabulateTopics,
} from './tabulate.js';
export { tabulateLake, tabulateLanding } from './tabulateLake.js';
export {
  tabulateAnomalyCounts,
  tabulateAnomalySummary,
  tabulateBacktests,
  tabulateBudgets,
  tabulateRuleSet,
  tabulateStreamStats,
  tabulateSweep,
} from './tabulateSpeed.js';
export { useNotebookDataDir } from './useNotebookDataDir.js';
