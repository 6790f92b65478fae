export { Anomaly, anomalyIdentity } from './anomaly.js';
export { AnomalyReview } from './anomalyReview.js';
export { contractForTopic, TOPIC_CONTRACTS } from './contracts.js';
export { DeadLetter, type DeadLetterSource, toDeadLetter } from './deadLetter.js';
export { DeviceDayHealth } from './deviceDayHealth.js';
export { compareDeviceIds } from './deviceOrder.js';
export {
  COMPONENTS,
  EVENT_TYPES,
  FailureEvent,
  InspectionEvent,
  MachineEvent,
  MaintenanceEvent,
  PARTS,
  ROOT_CAUSES,
} from './events.js';
export { EventSeverity, SEVERITIES, Severity } from './severity.js';
export { DeviceId, METRICS, type Metric, TELEMETRY_RANGES, Telemetry, UtcTimestamp } from './telemetry.js';
export {
  describeIssues,
  type ValidateOptions,
  type Validation,
  validateMessage,
} from './validate.js';
