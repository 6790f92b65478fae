export {
  type AnomaliesPerDeviceDayInput,
  chartAnomaliesPerDeviceDay,
  type HeatmapFailure,
} from './chartAnomaliesPerDeviceDay.js';
export {
  chartDeviceTimeline,
  type DeviceTimelineInput,
  type TimelineFailure,
} from './chartDeviceTimeline.js';
export {
  chartCalibration,
  chartRiskHeatmap,
  chartRocCurve,
  fittedDomain,
  type RiskHeatmapInput,
} from './chartGold.js';
export { chartLakePartitions } from './chartLakePartitions.js';
export { chartMessagesPerPartition } from './chartMessagesPerPartition.js';
export {
  chartThresholdSweep,
  type ThresholdSweepChartOptions,
  type ThresholdSweepPoint,
} from './chartThresholdSweep.js';
export { chartUnifiedCriticality } from './chartUnifiedCriticality.js';
export { findPngFonts, type PngFonts } from './fonts.js';
export * from './panels/index.js';
export { type ChartSpec, type PngOptions, renderPng, renderSvg, svgToPng } from './render.js';
export { describeMetricAxis, METRIC_UNITS } from './units.js';
