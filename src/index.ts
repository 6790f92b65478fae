/**
 * The kit's public API: what notebooks (`import … from './src/index'`), exported scripts and other
 * programs import. Only re-exports; each name lives in its layer's folder.
 */

export { GOLD_TABLES } from './batch/gold.js';
export { buildModel, MODELS, type ModelName, readModelTests, runModelTests } from './batch/models.js';
export {
  type PublishedRunReport,
  publishedRunFile,
  readLastPublishedRun,
  recordPublishedRun,
} from './batch/publishedRun.js';
export { type PredictionQuality, predictionQuality, rocAuc, rocCurve } from './batch/quality.js';
export { type BatchOptions, type BatchResult, runBatch } from './batch/runBatch.js';
export {
  type ConsumeLoopOptions,
  type ConsumeLoopResult,
  nextOffsets,
  runConsumeLoop,
} from './bus/consumeLoop.js';
export { writeDeadLetters } from './bus/deadLetters.js';
export { describeTopics, type GroupLag, readGroupLag, type TopicSummary } from './bus/lag.js';
export { describeLogTarget, embeddedLogFile, openLog } from './bus/openLog.js';
export type {
  Consumer,
  ConsumerOptions,
  Log,
  LogRecord,
  PartitionOffsets,
  PollOptions,
  ProduceRecord,
  TopicPartitionOffset,
} from './bus/port.js';
export {
  EmbeddedCatalog,
  type EmbeddedCatalogOptions,
  openEmbeddedCatalog,
} from './catalog/embeddedCatalog.js';
export { EXPIRED_BEFORE_PROPERTY, expireSnapshots, findOrphans } from './catalog/maintenance.js';
export { assertBranchName } from './catalog/names.js';
export { NessieCatalog, type NessieCatalogOptions } from './catalog/nessieCatalog.js';
export { embeddedCatalogFile, openCatalog } from './catalog/openCatalog.js';
export {
  type Branch,
  type Catalog,
  type CommitInfo,
  type CommitRequest,
  type CommitResult,
  MAIN_BRANCH,
  type MergeRequest,
  type RefSpec,
} from './catalog/port.js';
export {
  qualifyTable,
  type SnapshotSummary,
  summarizeTable,
  summarizeTables,
  type TableSummary,
  tableHistory,
  type UnreadableTableSummary,
} from './catalog/tableInfo.js';
export { ensureTable, readTable, writeToBranch } from './catalog/tableOps.js';
export {
  type Audit,
  type AuditResult,
  newRunId,
  type WapOptions,
  type WapResult,
  writeAuditPublish,
} from './catalog/wap.js';
export * from './config/index.js';
export * from './dashboard/index.js';
export { type DuckSession, openDuckSession } from './duckdb/duckSession.js';
export * from './errors.js';
export {
  addColumnsChange,
  type ColumnDefinition,
  createTableChange,
  type TableDefinition,
} from './iceberg/schema.js';
export type { LoadedTable, TableChange } from './iceberg/tableChange.js';
export { parseTableName, type TableName, tableKey } from './iceberg/tableName.js';
export { type ScanOptions, scanTable, tableFiles, tableQuery } from './iceberg/tableReader.js';
export {
  type IcebergContext,
  type WriteOptions,
  type WriteResult,
  writeTableData,
} from './iceberg/tableWriter.js';
export type { Snapshot, TableMetadata } from './iceberg/types.js';
export * from './ingest/index.js';
export { pickWearFailure } from './ingest/pickWearFailure.js';
export {
  type DateRange,
  type LakeReader,
  type LakeReaderOptions,
  listRawFiles,
  openLakeReader,
  RAW_VIEWS,
  type RawFile,
} from './lake/lakeReader.js';
export { type LakePartition, type LakeSummary, summarizeLake } from './lake/lakeSummary.js';
export {
  type LandedFile,
  type LandedTotals,
  type LandingOptions,
  type LandingResume,
  type LandingStats,
  landedRows,
  runLandingSink,
} from './lake/landingSink.js';
export {
  parseRawFileKey,
  RAW_KINDS,
  type RawFileName,
  type RawKind,
  rawFileKey,
  rawPrefix,
} from './lake/rawLayout.js';
export { RAW_ANOMALIES, RAW_DATASETS, RAW_EVENTS, RAW_TELEMETRY } from './lake/rawSchema.js';
export * from './notebook/index.js';
export { type DeviceSummary, DeviceSummaryCollector } from './pipeline/deviceSummary.js';
export {
  collectDeviceReadings,
  type SimulationSummary,
  summarizeSimulation,
} from './pipeline/replaySimulation.js';
export {
  type PipelineEffects,
  type PipelineOptions,
  type PipelineSummary,
  runPipeline,
} from './pipeline/runPipeline.js';
export { type SimulateLiveOptions, type SimulateLiveResult, simulateLive } from './pipeline/simulateLive.js';
export {
  type SimulateToLogOptions,
  type SimulateToLogResult,
  simulateToLog,
} from './pipeline/simulateToLog.js';
export { groundTruthDir, type SimulationManifest, simulationId } from './pipeline/simulationRun.js';
export { openStack, type Stack, type StackOptions, withStack } from './pipeline/stack.js';
export * from './schema/index.js';
export { EmbeddedServing, servingFile } from './serving/embeddedServing.js';
export { openServing, type ServingHandle } from './serving/openServing.js';
export type {
  GoldAttachment,
  QueryParams,
  QueryResult,
  RefreshResult,
  Serving,
  ServingStatus,
  ServingView,
} from './serving/port.js';
export { checkStarrocksSql } from './serving/starrocksChecks.js';
export { StarrocksServing } from './serving/starrocksServing.js';
export { readSqlFiles, type SqlFile, splitStatements, starrocksSqlDir } from './serving/starrocksSql.js';
export { type AnomalySummary, summarizeAnomalies } from './speed/anomalySummary.js';
export { pickAutoConfirmation } from './speed/autoConfirmation.js';
export {
  computeCompositeHealthScore,
  roundQuotientHalfAwayFromZero,
} from './speed/compositeHealthScore.js';
export {
  type DeviceDayCell,
  DeviceDayView,
  type DeviceDayViewOptions,
  type DeviceDayViewState,
  type ViewUpdate,
} from './speed/deviceDayView.js';
export {
  EXCURSION_THRESHOLDS,
  PrecursorCollector,
  type PrecursorOptions,
  type PrecursorReport,
  type PrecursorRow,
} from './speed/precursors.js';
export { type AnomalyRead, collectAnomalies, readAnomalies } from './speed/readAnomalies.js';
export { type EngineState, RuleEngine } from './speed/ruleEngine.js';
export {
  loadRuleSet,
  parseRuleSet,
  type Rule,
  RuleSet,
  referenceRules,
  saveRuleSet,
} from './speed/ruleSet.js';
export {
  runStreamProcessor,
  type StreamProcessorOptions,
  type StreamStats,
} from './speed/streamProcessor.js';
export { cacheHistory } from './speed/tuning/cacheHistory.js';
export * from './speed/tuning/index.js';
export { LocalObjectStore, openLocalStore } from './store/localStore.js';
export { assertKeyPrefix, assertObjectKey, objectKey } from './store/objectKey.js';
export type {
  ListOptions,
  ObjectInfo,
  ObjectStore,
  PutBody,
  PutOptions,
  PutResult,
} from './store/objectStore.js';
export { localLakeRoot, openObjectStore, s3StoreOptions } from './store/openObjectStore.js';
export { S3ObjectStore, type S3StoreOptions } from './store/s3Store.js';
export * from './time/utcTime.js';
export { formatCell, formatHtmlTable, formatTextTable, type TableRow } from './util/formatTable.js';
export { findProjectRoot } from './util/projectRoot.js';
export { Random, roundTo } from './util/random.js';
export * from './viz/index.js';
