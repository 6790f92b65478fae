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
export {
  DEFAULT_CADENCE_MS,
  DEFAULT_FROM_MS,
  DEFAULT_PLANT,
  type HistoryPlan,
  historySimulation,
  nameDevice,
  PROFILES,
  type Profile,
  type SimulatedMessage,
  type SimulationOptions,
  validateSimulationOptions,
} from './simulationOptions.js';
