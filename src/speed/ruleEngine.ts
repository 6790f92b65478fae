import type { Anomaly } from '../schema/anomaly.js';
import type { Severity } from '../schema/severity.js';
import type { Metric, Telemetry } from '../schema/telemetry.js';
import type { Rule, RuleSet, SpikeRule, SustainedRule, ThresholdRule } from './ruleSet.js';

/** What the engine remembers about one device: bounded (one reading, run lengths, one window of anomaly times). */
export interface DeviceState {
  /** The latest reading by event time. */
  last: { t: number; values: Record<Metric, number> } | null;
  /** Current run length of each sustained rule, by anomaly_type. */
  runs: Record<string, number>;
  /** Event times (ms, ascending) of this device's anomalies per anomaly_type inside the auto-confirm window. */
  recent: Record<string, number[]>;
}

/** The engine's whole state, serializable as JSON (checkpoints). */
export interface EngineState {
  devices: Record<string, DeviceState>;
}

const LABELS: Record<Metric, { name: string; unit: string }> = {
  temperature: { name: 'Temperature', unit: '°C' },
  vibration: { name: 'Vibration', unit: 'mm/s²' },
  energy_usage: { name: 'Energy usage', unit: 'kWh' },
  signal_strength: { name: 'Signal strength', unit: '%' },
};

const beyond = (value: number, direction: 'above' | 'below', limit: number) =>
  direction === 'above' ? value > limit : value < limit;

/** A rule's verdict on one reading: the anomaly's type, severity and description, or null. */
type Verdict = { anomaly_type: string; severity: Severity; description: string } | null;

function judgeThreshold(rule: ThresholdRule, value: number): Verdict {
  if (!beyond(value, rule.direction, rule.threshold)) return null;
  let severity = rule.severity;
  for (const e of rule.escalations) if (beyond(value, rule.direction, e.beyond)) severity = e.severity;
  const label = LABELS[rule.metric];
  return {
    anomaly_type: rule.anomaly_type,
    severity,
    description: `${label.name} ${value} ${label.unit} (threshold: ${rule.threshold})`,
  };
}

function judgeSpike(rule: SpikeRule, value: number, t: number, state: DeviceState): Verdict {
  const last = state.last;
  if (!last || t - last.t > rule.max_gap_ms || t <= last.t) return null;
  const delta = value - last.values[rule.metric];
  const jump = rule.change === 'rise' ? delta : rule.change === 'fall' ? -delta : Math.abs(delta);
  if (!(jump > rule.max_delta)) return null;
  const label = LABELS[rule.metric];
  const verb = delta >= 0 ? 'rose' : 'fell';
  return {
    anomaly_type: rule.anomaly_type,
    severity: rule.severity,
    description: `${label.name} ${verb} ${Math.round(Math.abs(delta) * 100) / 100} ${label.unit} since the previous reading to ${value} ${label.unit} (limit: ${rule.max_delta})`,
  };
}

function judgeSustained(rule: SustainedRule, value: number, state: DeviceState): Verdict {
  const run = beyond(value, rule.direction, rule.threshold) ? (state.runs[rule.anomaly_type] ?? 0) + 1 : 0;
  state.runs[rule.anomaly_type] = run;
  if (run !== rule.readings) return null;
  const label = LABELS[rule.metric];
  return {
    anomaly_type: rule.anomaly_type,
    severity: rule.severity,
    description: `${label.name} ${rule.direction} ${rule.threshold} ${label.unit} for ${rule.readings} readings (latest ${value} ${label.unit})`,
  };
}

function judge(rule: Rule, reading: Telemetry, state: DeviceState, t: number): Verdict {
  const value = reading[rule.metric];
  switch (rule.kind) {
    case 'threshold':
      return judgeThreshold(rule, value);
    case 'spike':
      return judgeSpike(rule, value, t, state);
    case 'sustained':
      return judgeSustained(rule, value, state);
  }
}

/**
 * Evaluates a rule set on readings, keeping bounded per-device state. Deterministic: the same readings
 * in the same order give the same anomalies, whatever the wall clock. Auto-confirmation uses event time:
 * the window of an anomaly at t is (t − window, t].
 * @example const engine = new RuleEngine(referenceRules()); const anomalies = engine.evaluate(reading);
 */
export class RuleEngine {
  private devices: Map<string, DeviceState>;

  constructor(
    readonly rules: RuleSet,
    state?: EngineState,
  ) {
    this.devices = new Map(Object.entries(state?.devices ?? {}));
  }

  /** The anomalies this reading raises (possibly none), updating the device's state. */
  evaluate(reading: Telemetry): Anomaly[] {
    const t = Date.parse(reading.timestamp);
    let state = this.devices.get(reading.device_id);
    if (!state) {
      state = { last: null, runs: {}, recent: {} };
      this.devices.set(reading.device_id, state);
    }
    const out: Anomaly[] = [];
    for (const rule of this.rules.rules) {
      const verdict = judge(rule, reading, state, t);
      if (verdict) out.push(this.confirm(state, verdict, reading.device_id, reading.timestamp, t));
    }
    if (!state.last || t >= state.last.t) {
      state.last = {
        t,
        values: {
          energy_usage: reading.energy_usage,
          temperature: reading.temperature,
          vibration: reading.vibration,
          signal_strength: reading.signal_strength,
        },
      };
    }
    return out;
  }

  /** Applies auto-confirmation: counts this device's anomalies of the type in (t − window, t]. */
  private confirm(
    state: DeviceState,
    verdict: NonNullable<Verdict>,
    deviceId: string,
    timestamp: string,
    t: number,
  ): Anomaly {
    const anomaly: Anomaly = {
      device_id: deviceId,
      timestamp,
      anomaly_type: verdict.anomaly_type,
      severity: verdict.severity,
      description: verdict.description,
      is_confirmed: false,
      confirmed_by: null,
    };
    const policy = this.rules.auto_confirm;
    if (!policy) return anomaly;
    const times = state.recent[verdict.anomaly_type] ?? [];
    let i = times.length;
    while (i > 0 && times[i - 1]! > t) i--;
    times.splice(i, 0, t);
    const newest = times[times.length - 1]!;
    while (times.length > 0 && times[0]! <= newest - policy.window_ms) times.shift();
    state.recent[verdict.anomaly_type] = times;
    const inWindow = times.filter((x) => x > t - policy.window_ms && x <= t).length;
    if (inWindow >= policy.count) {
      anomaly.is_confirmed = true;
      anomaly.confirmed_by = policy.confirmed_by;
      anomaly.description += policy.description_suffix;
    }
    return anomaly;
  }

  /** The engine's state, for a checkpoint. */
  snapshot(): EngineState {
    return { devices: Object.fromEntries(structuredClone([...this.devices])) };
  }
}
