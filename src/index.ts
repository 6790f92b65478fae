/**
 * The kit's public API: what notebooks (`import … from './src/index'`), exported scripts and other
 * programs import. Only re-exports; each name lives in its layer's folder.
 */

export {
  type ConsumeLoopOptions,
  type ConsumeLoopResult,
  nextOffsets,
  runConsumeLoop,
} from './bus/consumeLoop.js';
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
export * from './config/index.js';
export * from './errors.js';
export * from './ingest/index.js';
export { LocalObjectStore, openLocalStore } from './lake/localStore.js';
export { assertKeyPrefix, assertObjectKey, objectKey } from './lake/objectKey.js';
export type {
  ListOptions,
  ObjectInfo,
  ObjectStore,
  PutBody,
  PutOptions,
  PutResult,
} from './lake/objectStore.js';
export { localLakeRoot, openObjectStore, s3StoreOptions } from './lake/openObjectStore.js';
export { S3ObjectStore, type S3StoreOptions } from './lake/s3Store.js';
export * from './notebook/index.js';
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
export * from './schema/index.js';
export { type AnomalySummary, summarizeAnomalies } from './speed/anomalySummary.js';
export {
  EXCURSION_THRESHOLDS,
  PrecursorCollector,
  type PrecursorOptions,
  type PrecursorReport,
  type PrecursorRow,
} from './speed/precursors.js';
export { type AnomalyRead, collectAnomalies } from './speed/readAnomalies.js';
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
export * from './speed/tuning/index.js';
export * from './viz/index.js';
