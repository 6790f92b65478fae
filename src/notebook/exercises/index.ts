export { CONTRACT_AUDIT, checkBadFileStopped, checkLowestHealth } from './batchExercises.js';
export { checkCostliestPriority, checkDeviceDayFilters } from './dashboardExercises.js';
export {
  describeCheck,
  type ExerciseCheck,
  notAnswered,
  showCheck,
  showSolutionChecks,
  verdict,
} from './exerciseCheck.js';
export { checkMostFailures, checkTopicMessages } from './ingestionExercises.js';
export { checkMostCriticalToday, checkRealtimeDates } from './servingExercises.js';
export { checkPreciseThreshold, checkWarmRules } from './speedExercises.js';
