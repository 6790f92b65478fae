import { z } from 'zod';
import { EventSeverity } from './severity.js';
import { DeviceId, UtcTimestamp } from './telemetry.js';

export const EVENT_TYPES = ['failure', 'maintenance', 'inspection'] as const;
export const COMPONENTS = ['motor', 'bearing', 'sensor', 'battery'] as const;
export const ROOT_CAUSES = ['overheating', 'wear', 'power_surge', 'unknown'] as const;
export const PARTS = ['none', 'bearing', 'filter', 'battery'] as const;

const base = {
  device_id: DeviceId,
  event_timestamp: UtcTimestamp,
  severity: EventSeverity,
};

export const FailureEvent = z
  .object({
    ...base,
    event_type: z.literal('failure'),
    error_code: z.string().regex(/^ERR\d{4}$/, 'expected ERR followed by 4 digits'),
    component: z.enum(COMPONENTS),
    root_cause: z.enum(ROOT_CAUSES),
  })
  .strict();

export const MaintenanceEvent = z
  .object({
    ...base,
    event_type: z.literal('maintenance'),
    technician: z.string().min(1),
    duration_min: z
      .number()
      .int()
      .min(1)
      .max(7 * 24 * 60),
    parts_replaced: z.enum(PARTS),
  })
  .strict();

export const InspectionEvent = z
  .object({
    ...base,
    event_type: z.literal('inspection'),
    status: z.enum(['passed', 'failed']),
    next_inspection_days: z.number().int().min(1).max(365),
  })
  .strict();

/** A machine event (topic iot-events, key device_id), discriminated by event_type. */
export const MachineEvent = z.discriminatedUnion('event_type', [
  FailureEvent,
  MaintenanceEvent,
  InspectionEvent,
]);
export type FailureEvent = z.infer<typeof FailureEvent>;
export type MaintenanceEvent = z.infer<typeof MaintenanceEvent>;
export type InspectionEvent = z.infer<typeof InspectionEvent>;
export type MachineEvent = z.infer<typeof MachineEvent>;
