import { z } from 'zod';
import { DeviceId, UtcTimestamp } from './telemetry.js';

/**
 * An operator's review of one anomaly (topic iot-anomaly-reviews, key device_id): confirm or dismiss,
 * with a name and an optional comment. Targets one anomaly identity; the newest review of it wins.
 */
export const AnomalyReview = z
  .object({
    device_id: DeviceId,
    /** The anomaly's timestamp (its identity with device_id and anomaly_type). */
    timestamp: UtcTimestamp,
    anomaly_type: z.string().regex(/^[a-z][a-z0-9_]*$/, 'expected snake_case anomaly type'),
    action: z.enum(['confirm', 'dismiss']),
    reviewer: z.string().trim().min(1).max(100),
    comment: z.string().max(2000).nullable(),
    /** When the review was made (wall clock). */
    reviewed_at: UtcTimestamp,
  })
  .strict();
export type AnomalyReview = z.infer<typeof AnomalyReview>;
