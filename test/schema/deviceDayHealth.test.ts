import { describe, expect, it } from 'vitest';
import { contractForTopic, DeviceDayHealth } from '../../src/schema/index.js';

const row = {
  device_id: 'device_1',
  date: '2025-04-01',
  readings: 3,
  avg_energy: 1.33,
  max_temp: 25.25,
  min_health_score: 0.52,
  vibration_anomalies: 2,
  avg_signal_strength: 81.66666666666667,
  newest_event_time: '2025-04-01T12:00:00Z',
};

describe('DeviceDayHealth contract', () => {
  it('is the contract of iot-device-health-rt, with or without the name prefix', () => {
    expect(contractForTopic('iot-device-health-rt')).toBe(DeviceDayHealth);
    expect(contractForTopic('t1-iot-device-health-rt', 't1-')).toBe(DeviceDayHealth);
    expect(DeviceDayHealth.parse(row)).toEqual(row);
  });

  it.each([
    ['a date with a time', { date: '2025-04-01T00:00:00Z' }, /date/],
    ['an impossible date', { date: '2025-02-30' }, /date/],
    ['no readings', { readings: 0 }, /readings/],
    ['fractional readings', { readings: 1.5 }, /readings/],
    ['a health score above 1', { min_health_score: 1.01 }, /min_health_score/],
    ['more vibration anomalies than readings', { vibration_anomalies: 4 }, /vibration_anomalies/],
    ['a local event time', { newest_event_time: '2025-04-01T12:00:00+08:00' }, /newest_event_time/],
    ['an unknown field', { source: 'realtime' }, /source|unrecognized/i],
    ['a 129-character device id', { device_id: 'd'.repeat(129) }, /device_id/],
  ])('rejects %s', (_label, change, reason) => {
    const result = DeviceDayHealth.safeParse({ ...row, ...change });
    expect(result.success).toBe(false);
    expect(JSON.stringify(result.error?.issues)).toMatch(reason);
  });
});
