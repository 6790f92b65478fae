export { readAnomalies } from '../speed/readAnomalies.js';
export { cacheHistory } from './cacheHistory.js';
export { type DeviceSummary, DeviceSummaryCollector } from './deviceSummary.js';
export {
  chartFile,
  type DisplayOptions,
  display,
  displayTable,
  findNotebookDisplay,
  type RichDisplay,
  slugify,
} from './display.js';
export { formatCell, formatHtmlTable, formatTextTable, type TableRow } from './formatTable.js';
export { pickWearFailure } from './pickWearFailure.js';
export { findProjectRoot } from './projectRoot.js';
export { pickAutoConfirmation } from './readAnomalies.js';
export { collectDeviceReadings, type SimulationSummary, summarizeSimulation } from './replaySimulation.js';
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
