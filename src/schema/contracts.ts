import type { z } from 'zod';
import { TOPICS } from '../config/names.js';
import { Anomaly } from './anomaly.js';
import { DeadLetter } from './deadLetter.js';
import { DeviceDayHealth } from './deviceDayHealth.js';
import { MachineEvent } from './events.js';
import { Telemetry } from './telemetry.js';

/** The contract of each pipeline topic, by logical name. */
export const TOPIC_CONTRACTS: Record<string, z.ZodType> = {
  [TOPICS.telemetry]: Telemetry,
  [TOPICS.events]: MachineEvent,
  [TOPICS.anomalies]: Anomaly,
  [TOPICS.deadLetter]: DeadLetter,
  [TOPICS.deviceHealthRt]: DeviceDayHealth,
};

/**
 * The contract of a physical topic name (with or without the configured prefix), or undefined for a
 * topic the pipeline does not define.
 */
export function contractForTopic(topic: string, namePrefix = ''): z.ZodType | undefined {
  const logical = namePrefix && topic.startsWith(namePrefix) ? topic.slice(namePrefix.length) : topic;
  return TOPIC_CONTRACTS[logical];
}
