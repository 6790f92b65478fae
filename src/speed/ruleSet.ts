import fs from 'node:fs';
import { z } from 'zod';
import { InvalidArgumentError } from '../errors.js';
import { Severity } from '../schema/severity.js';
import { METRICS } from '../schema/telemetry.js';

const Metric = z.enum(METRICS);
const Direction = z.enum(['above', 'below']);
const AnomalyType = z.string().regex(/^[a-z][a-z0-9_]*$/, 'expected snake_case anomaly type');

/** Beyond `threshold` (strictly) → anomaly; each escalation beyond its own value raises the severity. */
export const ThresholdRule = z
  .object({
    kind: z.literal('threshold'),
    metric: Metric,
    direction: Direction,
    threshold: z.number(),
    anomaly_type: AnomalyType,
    severity: Severity,
    /** Stricter levels, e.g. [{ beyond: 32, severity: 'critical' }]. */
    escalations: z.array(z.object({ beyond: z.number(), severity: Severity }).strict()).default([]),
  })
  .strict();

/** A jump against the device's previous reading larger than `max_delta` (in the metric's unit). */
export const SpikeRule = z
  .object({
    kind: z.literal('spike'),
    metric: Metric,
    /** rise: value − previous > max_delta; fall: previous − value > max_delta; either: |Δ| > max_delta. */
    change: z.enum(['rise', 'fall', 'either']).default('rise'),
    max_delta: z.number().positive(),
    /** Ignore the previous reading when it is older than this (ms). Default 10 min. */
    max_gap_ms: z.number().int().positive().default(600_000),
    anomaly_type: AnomalyType,
    severity: Severity,
  })
  .strict();

/** `readings` consecutive readings beyond `threshold` → one anomaly, raised on the reading that completes the run. */
export const SustainedRule = z
  .object({
    kind: z.literal('sustained'),
    metric: Metric,
    direction: Direction,
    threshold: z.number(),
    readings: z.number().int().min(2).max(10_000),
    anomaly_type: AnomalyType,
    severity: Severity,
  })
  .strict();

export const Rule = z.discriminatedUnion('kind', [ThresholdRule, SpikeRule, SustainedRule]);

/** ≥ `count` anomalies of one type for a device within (t − window, t] confirm the one at t. */
export const AutoConfirm = z
  .object({
    count: z.number().int().min(1),
    window_ms: z.number().int().positive(),
    confirmed_by: z.string().min(1),
    description_suffix: z.string(),
  })
  .strict();

/** A versioned, serializable rule set (loadable from JSON). */
export const RuleSet = z
  .object({
    name: z.string().min(1),
    version: z.string().min(1),
    rules: z.array(Rule).min(1),
    auto_confirm: AutoConfirm.nullable(),
  })
  .strict()
  .superRefine((set, ctx) => {
    const seen = new Set<string>();
    for (const [i, rule] of set.rules.entries()) {
      if (seen.has(rule.anomaly_type)) {
        ctx.addIssue({
          code: 'custom',
          path: ['rules', i, 'anomaly_type'],
          message: `duplicate anomaly_type ${rule.anomaly_type}`,
        });
      }
      seen.add(rule.anomaly_type);
    }
  });

export type ThresholdRule = z.infer<typeof ThresholdRule>;
export type SpikeRule = z.infer<typeof SpikeRule>;
export type SustainedRule = z.infer<typeof SustainedRule>;
export type Rule = z.infer<typeof Rule>;
export type AutoConfirm = z.infer<typeof AutoConfirm>;
export type RuleSet = z.infer<typeof RuleSet>;

/**
 * The reference implementation's rules: temperature > 28 (critical > 32), vibration > 3.0 (a setting:
 * the article says 5), energy_usage > 4.5 (critical > 6.0), signal_strength < 30; auto-confirm at 3 of a
 * type within one hour.
 * @example const rules = referenceRules(); // or referenceRules({ vibrationThreshold: 5 })
 */
export function referenceRules(options: { vibrationThreshold?: number } = {}): RuleSet {
  return RuleSet.parse({
    name: 'reference',
    version: '1',
    rules: [
      {
        kind: 'threshold',
        metric: 'temperature',
        direction: 'above',
        threshold: 28,
        anomaly_type: 'high_temperature',
        severity: 'high',
        escalations: [{ beyond: 32, severity: 'critical' }],
      },
      {
        kind: 'threshold',
        metric: 'vibration',
        direction: 'above',
        threshold: options.vibrationThreshold ?? 3.0,
        anomaly_type: 'high_vibration',
        severity: 'high',
      },
      {
        kind: 'threshold',
        metric: 'energy_usage',
        direction: 'above',
        threshold: 4.5,
        anomaly_type: 'high_energy_usage',
        severity: 'high',
        escalations: [{ beyond: 6.0, severity: 'critical' }],
      },
      {
        kind: 'threshold',
        metric: 'signal_strength',
        direction: 'below',
        threshold: 30,
        anomaly_type: 'low_signal',
        severity: 'medium',
      },
    ],
    auto_confirm: {
      count: 3,
      window_ms: 3_600_000,
      confirmed_by: 'system',
      description_suffix: ' (Auto-Confirmed)',
    },
  });
}

/** Validates a rule set given as a parsed object; errors name the offending path. */
export function parseRuleSet(input: unknown, source = 'rule set'): RuleSet {
  const result = RuleSet.safeParse(input);
  if (!result.success) {
    const why = result.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new InvalidArgumentError(`rules ${source} invalid: ${why}`);
  }
  return result.data;
}

/** Reads a rule set from a JSON file. */
export function loadRuleSet(file: string): RuleSet {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new InvalidArgumentError(`rules file unreadable: ${file} (${(error as Error).message})`, {
      cause: error,
    });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new InvalidArgumentError(`rules file is not JSON: ${file} (${(error as Error).message})`, {
      cause: error,
    });
  }
  return parseRuleSet(json, file);
}

/** Writes a rule set as pretty JSON. */
export function saveRuleSet(file: string, rules: RuleSet): void {
  fs.writeFileSync(file, `${JSON.stringify(parseRuleSet(rules), null, 2)}\n`);
}
