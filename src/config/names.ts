import type { Config } from './config.js';

/** Logical topic names of the pipeline (SEED-FACTS). */
export const TOPICS = {
  telemetry: 'iot-telemetry',
  events: 'iot-events',
  anomalies: 'iot-anomalies',
  deadLetter: 'iot-dlq',
  /** The speed layer's real-time device-day view (key device_id, one row per device and UTC date). */
  deviceHealthRt: 'iot-device-health-rt',
  anomalyReviews: 'iot-anomaly-reviews',
} as const;

/** Logical consumer-group names of the pipeline. */
export const GROUPS = {
  speedLayer: 'lambda_streaming_anomalies',
  landing: 'lambda_batch_ingestion',
  serving: 'lambda_serving',
} as const;

export type TopicRole = keyof typeof TOPICS;

/** The physical name of a topic or group: the configured prefix plus the logical name. */
export function qualifiedName(config: Pick<Config, 'namePrefix'>, name: string): string {
  return `${config.namePrefix}${name}`;
}

/** Physical topic name for a role, e.g. `topicName(config, 'telemetry')` → "iot-telemetry". */
export function topicName(config: Pick<Config, 'namePrefix'>, role: TopicRole): string {
  return qualifiedName(config, TOPICS[role]);
}
