import { describe, expect, it } from 'vitest';
import { DeviceDayHealth } from '../../src/schema/deviceDayHealth.js';
import type { Telemetry } from '../../src/schema/telemetry.js';
import { computeCompositeHealthScore } from '../../src/speed/compositeHealthScore.js';
import { DeviceDayView } from '../../src/speed/deviceDayView.js';
import { Random } from '../../src/util/random.js';

const base: Telemetry = {
  device_id: 'device_1',
  timestamp: '2025-04-01T00:00:00Z',
  energy_usage: 1,
  temperature: 20,
  vibration: 1,
  signal_strength: 90,
};
const at = (timestamp: string, values: Partial<Telemetry> = {}): Telemetry => ({
  ...base,
  timestamp,
  ...values,
});
const view3 = () => new DeviceDayView({ days: 3, vibrationThreshold: 3 });

describe('DeviceDayView', () => {
  it('aggregates one device-day like gold_device_health', () => {
    const view = view3();
    const readings = [
      at('2025-04-01T10:00:00Z', { energy_usage: 1, temperature: 21.5, vibration: 3, signal_strength: 90 }),
      at('2025-04-01T12:00:00Z', {
        energy_usage: 1,
        temperature: 25.25,
        vibration: 3.01,
        signal_strength: 85,
      }),
      at('2025-04-01T11:00:00Z', { energy_usage: 2, temperature: 19, vibration: 4.5, signal_strength: 70 }),
    ];
    for (const r of readings) expect(view.add(r)).toEqual({ date: '2025-04-01' });
    const row = view.row('device_1', '2025-04-01');
    expect(row).toEqual({
      device_id: 'device_1',
      date: '2025-04-01',
      readings: 3,
      avg_energy: 1.33,
      max_temp: 25.25,
      min_health_score: Math.min(...readings.map(computeCompositeHealthScore)),
      vibration_anomalies: 2, // 3.0 is not above the threshold
      avg_signal_strength: 245 / 3,
      newest_event_time: '2025-04-01T12:00:00Z', // an earlier reading arriving later does not move it back
    });
    expect(DeviceDayHealth.safeParse(row).success).toBe(true);
    expect(view.row('device_1', '2025-04-02')).toBeUndefined();
    expect(view.row('device_2', '2025-04-01')).toBeUndefined();
  });

  it('keeps the UTC event date whatever the process time zone (TZ=Asia/Shanghai in CI)', () => {
    const view = view3();
    expect(view.add(at('2025-04-01T20:00:00Z'))).toEqual({ date: '2025-04-01' });
    expect(view.add(at('2025-04-01T23:59:59.999Z'))).toEqual({ date: '2025-04-01' });
    expect(view.add(at('2025-04-02T00:00:00Z'))).toEqual({ date: '2025-04-02' });
    expect(view.row('device_1', '2025-04-01')?.newest_event_time).toBe('2025-04-01T23:59:59.999Z');
  });

  it('rounds the mean energy half away from zero from exact hundredths, where a double mean would not', () => {
    const mean = (energies: number[]) => {
      const view = view3();
      for (const [i, e] of energies.entries())
        view.add(at(`2025-04-01T00:00:${String(i).padStart(2, '0')}Z`, { energy_usage: e }));
      return view.row('device_1', '2025-04-01')!.avg_energy;
    };
    // 56.5 hundredths is a tie: the double mean (0.56 + 0.57) / 2 = 0.565 is 0.56499…, which rounds down
    expect(Math.round(((0.56 + 0.57) / 2) * 100) / 100).toBe(0.56);
    expect(mean([0.56, 0.57])).toBe(0.57);
    expect(mean([0.01, 0.02])).toBe(0.02);
    expect(mean([1.11, 1.12])).toBe(1.12); // 111.5 hundredths
    expect(mean([0.29, 0.29, 0.29])).toBe(0.29); // 0.29·100 = 28.999…: counted as 29 hundredths
    expect(mean([1, 1, 2])).toBe(1.33); // 133.33… hundredths
    expect(mean([1, 2, 2])).toBe(1.67); // 166.67…
    expect(mean([0, 0.01, 0.01, 0.01, 0.02, 0.02, 0.02, 0.02])).toBe(0.01); // 11/8 = 1.375
  });

  it('counts a reading older than the newest N dates as late and changes nothing', () => {
    const view = view3();
    expect(view.add(at('2025-04-03T06:00:00Z'))).toEqual({ date: '2025-04-03' });
    expect(view.add(at('2025-04-01T06:00:00Z'))).toEqual({ date: '2025-04-01' }); // newest − 2: inside
    const before = view.snapshot();
    expect(view.add(at('2025-03-31T23:59:59Z'))).toEqual({ late: true });
    expect(view.add(at('2025-01-01T00:00:00Z'))).toEqual({ late: true });
    expect(view.snapshot()).toEqual(before);
    expect(view.row('device_1', '2025-03-31')).toBeUndefined();
    // lateness is per device: another device's history starts where its own readings are
    expect(view.add(at('2025-03-31T00:00:00Z', { device_id: 'device_2' }))).toEqual({ date: '2025-03-31' });
  });

  it('evicts the dates that fall out of the window when a newer date arrives', () => {
    const view = new DeviceDayView({ days: 2, vibrationThreshold: 3 });
    view.add(at('2025-04-01T00:00:00Z'));
    view.add(at('2025-04-02T00:00:00Z'));
    expect(view.rows().map((r) => r.date)).toEqual(['2025-04-01', '2025-04-02']);
    view.add(at('2025-04-03T00:00:00Z'));
    expect(view.rows().map((r) => r.date)).toEqual(['2025-04-02', '2025-04-03']);
    expect(view.add(at('2025-04-01T12:00:00Z'))).toEqual({ late: true });
    view.add(at('2025-04-10T00:00:00Z')); // a gap: everything before 04-09 goes
    expect(view.rows().map((r) => r.date)).toEqual(['2025-04-10']);
    expect(view.add(at('2025-04-09T00:00:00Z'))).toEqual({ date: '2025-04-09' });
    expect(view.add(at('2025-04-08T23:00:00Z'))).toEqual({ late: true });
  });

  it('hands out each changed row once, with the value it had when evicted', () => {
    const view = new DeviceDayView({ days: 1, vibrationThreshold: 3 });
    view.add(at('2025-04-01T10:00:00Z', { temperature: 30 }));
    view.add(at('2025-04-01T11:00:00Z', { device_id: 'device_2' }));
    view.add(at('2025-04-02T00:00:00Z')); // evicts device_1's 04-01 before anyone read it
    view.add(at('2025-04-01T12:00:00Z')); // late: no change
    const changes = view.takeChanges();
    expect(changes.map((r) => [r.device_id, r.date, r.readings, r.max_temp])).toEqual([
      ['device_1', '2025-04-01', 1, 30],
      ['device_2', '2025-04-01', 1, 20],
      ['device_1', '2025-04-02', 1, 20],
    ]);
    expect(view.rows().map((r) => [r.device_id, r.date])).toEqual([
      ['device_1', '2025-04-02'],
      ['device_2', '2025-04-01'],
    ]);
    expect(view.takeChanges()).toEqual([]);
    view.add(at('2025-04-02T01:00:00Z', { device_id: 'device_2' }));
    expect(view.takeChanges().map((r) => [r.device_id, r.date])).toEqual([['device_2', '2025-04-02']]);
  });

  it('counts vibration strictly above the configured threshold', () => {
    const vibrations = [1.99, 2, 2.01, 2.99, 3, 3.01, 5];
    const count = (vibrationThreshold: number) => {
      const view = new DeviceDayView({ days: 3, vibrationThreshold });
      for (const [i, vibration] of vibrations.entries())
        view.add(at(`2025-04-01T00:00:0${i}Z`, { vibration }));
      return view.row('device_1', '2025-04-01')!.vibration_anomalies;
    };
    expect(count(3)).toBe(2);
    expect(count(2)).toBe(5);
    expect(count(5)).toBe(0);
  });

  it('continues from a JSON snapshot exactly as if it had not stopped', () => {
    const rng = new Random(7);
    const readings = Array.from({ length: 3000 }, (_, i) =>
      at(new Date(Date.UTC(2025, 3, 1) + i * 137_000 - rng.drawInt(0, 3) * 86_400_000).toISOString(), {
        device_id: `device_${rng.drawInt(1, 5)}`,
        energy_usage: Math.round(rng.drawUniform(0, 6) * 100) / 100,
        temperature: Math.round(rng.drawUniform(15, 40) * 100) / 100,
        vibration: Math.round(rng.drawUniform(0, 5) * 100) / 100,
        signal_strength: rng.drawInt(0, 100),
      }),
    );
    const whole = view3();
    const wholeUpdates = readings.map((r) => whole.add(r));
    expect(wholeUpdates.filter((u) => 'late' in u).length).toBeGreaterThan(0);
    const first = view3();
    for (const r of readings.slice(0, 1234)) first.add(r);
    const resumed = new DeviceDayView(first.options, JSON.parse(JSON.stringify(first.snapshot())));
    const resumedUpdates = readings.slice(1234).map((r) => resumed.add(r));
    expect(resumedUpdates).toEqual(wholeUpdates.slice(1234));
    expect(resumed.snapshot()).toEqual(whole.snapshot());
    expect(resumed.rows()).toEqual(whole.rows());
    for (const row of whole.rows()) expect(DeviceDayHealth.safeParse(row).success).toBe(true);
  });

  it('starts empty without a snapshot and trims a snapshot to a smaller window', () => {
    expect(view3().rows()).toEqual([]);
    const wide = new DeviceDayView({ days: 5, vibrationThreshold: 3 });
    for (const day of ['01', '02', '03', '04', '05']) wide.add(at(`2025-04-${day}T00:00:00Z`));
    const narrow = new DeviceDayView({ days: 2, vibrationThreshold: 3 }, wide.snapshot());
    expect(narrow.rows().map((r) => r.date)).toEqual(['2025-04-04', '2025-04-05']);
  });
});
