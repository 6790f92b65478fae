import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { LogRecord } from '../../src/bus/port.js';
import { Anomaly, anomalyIdentity } from '../../src/schema/anomaly.js';
import { contractForTopic } from '../../src/schema/contracts.js';
import { DeadLetter, toDeadLetter } from '../../src/schema/deadLetter.js';
import { MachineEvent } from '../../src/schema/events.js';
import { SEVERITIES, Severity } from '../../src/schema/severity.js';
import { Telemetry } from '../../src/schema/telemetry.js';
import { validateMessage } from '../../src/schema/validate.js';

const NOW = Date.UTC(2025, 5, 1);
const reading = {
  device_id: 'device_1',
  timestamp: '2025-04-01T12:00:00Z',
  energy_usage: 2.5,
  temperature: 24.3,
  vibration: 0.8,
  signal_strength: 91,
};

describe('contracts', () => {
  it('accepts a reading as bytes, text or object', () => {
    for (const input of [Buffer.from(JSON.stringify(reading)), JSON.stringify(reading), reading]) {
      expect(validateMessage(Telemetry, input, { now: NOW })).toEqual({
        ok: true,
        value: reading,
        eventMs: Date.parse(reading.timestamp),
      });
    }
  });

  it.each([
    ['not JSON', '{"device_id":', /^not JSON/],
    ['an array', '[1,2]', /not a JSON object: got array/],
    ['missing field', JSON.stringify({ ...reading, vibration: undefined }), /vibration: Invalid input/],
    [
      'wrong type',
      JSON.stringify({ ...reading, signal_strength: '91' }),
      /signal_strength: .*expected number/,
    ],
    ['Infinity', JSON.stringify(reading).replace('24.3', '1e999'), /temperature/],
    ['out of range', JSON.stringify({ ...reading, signal_strength: 101 }), /signal_strength: Too big/],
    ['negative vibration', JSON.stringify({ ...reading, vibration: -0.1 }), /vibration: Too small/],
    [
      'naive local time',
      JSON.stringify({ ...reading, timestamp: '2025-04-01 12:00:00' }),
      /timestamp: expected ISO 8601/,
    ],
    ['offset time', JSON.stringify({ ...reading, timestamp: '2025-04-01T12:00:00+08:00' }), /timestamp/],
    ['far future', JSON.stringify({ ...reading, timestamp: '2025-06-03T00:00:00Z' }), /far in the future/],
    ['unknown field', JSON.stringify({ ...reading, humidity: 3 }), /humidity/],
    ['empty device', JSON.stringify({ ...reading, device_id: '' }), /device_id/],
  ])('rejects %s with a reason', (_label, input, reason) => {
    const v = validateMessage(Telemetry, input, { now: NOW });
    expect(v.ok).toBe(false);
    if (!v.ok) expect(v.reason).toMatch(reason);
  });

  it.each([
    [
      '0000-01-01T00:00:00Z',
      /before the plausible event-time window: 0000-01-01T00:00:00Z \(earlier than 2000-01-01/,
    ],
    ['0001-01-01T00:00:00Z', /before the plausible event-time window/],
    ['1969-12-31T23:59:59Z', /before the plausible event-time window/],
    ['1999-12-31T23:59:59Z', /before the plausible event-time window/],
    ['9999-12-31T23:59:59Z', /far in the future/],
  ])('accepts event times only in the plausible window: rejects %s', (timestamp, reason) => {
    const v = validateMessage(Telemetry, JSON.stringify({ ...reading, timestamp }), { now: NOW });
    expect(v.ok).toBe(false);
    if (!v.ok) expect(v.reason).toMatch(reason);
    const event = {
      device_id: 'device_2',
      event_timestamp: timestamp,
      event_type: 'inspection',
      severity: 'low',
    };
    const e = validateMessage(
      MachineEvent,
      { ...event, status: 'passed', next_inspection_days: 30 },
      { now: NOW },
    );
    expect(e.ok).toBe(false);
  });

  it('takes the start of the plausible window from eventTimeMin (default 2000-01-01)', () => {
    const at = (timestamp: string, eventTimeMin?: string) =>
      validateMessage(Telemetry, { ...reading, timestamp }, { now: NOW, eventTimeMin }).ok;
    expect(at('2000-01-01T00:00:00Z')).toBe(true);
    expect(at('2020-05-01T00:00:00Z', '2020-05-02')).toBe(false);
    expect(at('2020-05-02T00:00:00Z', '2020-05-02')).toBe(true);
    expect(at('1969-12-31T23:59:59Z', '1900-01-01')).toBe(true);
  });

  it('rejects an oversized message before parsing it', () => {
    const v = validateMessage(Telemetry, 'x'.repeat(100), { maxBytes: 50 });
    expect(v).toEqual({ ok: false, reason: 'oversized: 100 bytes > limit 50' });
  });

  it('discriminates events by type and checks each type’s fields', () => {
    const failure = {
      device_id: 'device_2',
      event_timestamp: '2025-04-01T00:00:00Z',
      event_type: 'failure',
      severity: 'high',
      error_code: 'ERR1234',
      component: 'bearing',
      root_cause: 'wear',
    };
    expect(validateMessage(MachineEvent, failure, { now: NOW }).ok).toBe(true);
    const wrongType = validateMessage(MachineEvent, { ...failure, event_type: 'explosion' }, { now: NOW });
    expect(wrongType.ok || wrongType.reason).toMatch(/event_type/);
    const upper = validateMessage(MachineEvent, { ...failure, severity: 'HIGH' }, { now: NOW });
    expect(upper.ok || upper.reason).toMatch(/severity/);
    const mixed = validateMessage(MachineEvent, { ...failure, technician: 'tech-1' }, { now: NOW });
    expect(mixed.ok).toBe(false);
  });

  it('has one lowercase severity spelling; anomalies may be critical, events may not', () => {
    expect(SEVERITIES).toEqual(['low', 'medium', 'high', 'critical']);
    expect(Severity.safeParse('HIGH').success).toBe(false);
    const anomaly = {
      device_id: 'device_1',
      timestamp: '2025-04-01T00:00:00Z',
      anomaly_type: 'high_temperature',
      severity: 'critical',
      description: 'Temperature 32.4 °C (threshold: 28)',
      is_confirmed: false,
      confirmed_by: null,
    };
    expect(Anomaly.parse(anomaly)).toEqual(anomaly);
    expect(anomalyIdentity(anomaly)).toBe('["device_1","2025-04-01T00:00:00Z","high_temperature"]');
  });

  it('maps topics (with or without the prefix) to their contracts', () => {
    expect(contractForTopic('iot-telemetry')).toBe(Telemetry);
    expect(contractForTopic('ws-iot-events', 'ws-')).toBe(MachineEvent);
    expect(contractForTopic('other')).toBeUndefined();
  });

  it('builds dead letters that keep the payload and say where it came from', () => {
    const record: LogRecord = {
      topic: 'iot-telemetry',
      partition: 2,
      offset: 41,
      key: 'device_9',
      value: Buffer.from([0xc3, 0x28]),
      timestamp: 0,
    };
    const letter = toDeadLetter(record, 'lambda_streaming_anomalies', 'not JSON: bad', NOW);
    expect(DeadLetter.parse(letter)).toEqual({
      payload: 'wyg=',
      payload_encoding: 'base64',
      payload_bytes: 2,
      payload_sha256: createHash('sha256')
        .update(Buffer.from([0xc3, 0x28]))
        .digest('hex'),
      payload_truncated: false,
      source: { topic: 'iot-telemetry', partition: 2, offset: 41, key: 'device_9' },
      consumer: 'lambda_streaming_anomalies',
      reason: 'not JSON: bad',
      dead_lettered_at: '2025-06-01T00:00:00.000Z',
    });
    const text = toDeadLetter({ ...record, value: Buffer.from('{"a":1}') }, 'c', 'r', NOW);
    expect(text).toMatchObject({ payload: '{"a":1}', payload_encoding: 'utf8' });
  });
});
