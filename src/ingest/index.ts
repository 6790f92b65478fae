export { describeEffects, HEALTH_MODEL, SENSOR_MODEL } from './degradingModel.js';
export {
  DEGRADATION_MODES,
  type DegradationMode,
  type FailureTruth,
  type GroundTruth,
  type HealthSample,
  type InspectionTruth,
  type MaintenanceTruth,
  type RunInfo,
  readGroundTruth,
  writeGroundTruth,
} from './groundTruth.js';
export { PlantSimulator, simulateHistory } from './plantSimulator.js';
export { Random, roundTo } from './random.js';
export {
  DEFAULT_CADENCE_MS,
  DEFAULT_FROM_MS,
  nameDevice,
  PROFILES,
  type Profile,
  type SimulatedMessage,
  type SimulationOptions,
  validateSimulationOptions,
} from './simulationOptions.js';
export { addDays, DAY_MS, dateOfEpochDay, epochDay, formatUtc, HOUR_MS, parseUtcOption } from './utcTime.js';
