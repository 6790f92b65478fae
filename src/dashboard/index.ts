export { type Asset, dashboardAssets, pageHtml } from './assets.js';
export { type ExportResult, exportDashboard } from './export.js';
export {
  boundParams,
  Filters,
  newestEventTime,
  PANELS,
  type PanelData,
  type PanelDef,
  panelNamed,
  parseFilters,
  RANGES,
  readPanelSql,
  resolveRange,
  runPanel,
} from './panels.js';
export { type DashboardOptions, type DashboardServer, isLoopbackHost, startDashboard } from './server.js';
export { type TelemetryAround, telemetryAround } from './telemetry.js';
