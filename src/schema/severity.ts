import { z } from 'zod';

/**
 * The one canonical severity spelling, lowercase, used by events, anomalies and serving SQL alike
 * (the reference emitted upper case and counted lower case, so its high-severity counts were always 0).
 */
export const SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;
export const Severity = z.enum(SEVERITIES);
export type Severity = z.infer<typeof Severity>;

/** Severities an event may carry (anomalies add `critical`). */
export const EventSeverity = z.enum(['low', 'medium', 'high']);
export type EventSeverity = z.infer<typeof EventSeverity>;
