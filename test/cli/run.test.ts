import { describe, expect, it } from 'vitest';
import { runCli, tempDataDir } from '../support/cli.js';

describe('lambda-iot run (what npm start runs)', () => {
  it('simulates, runs the speed layer, lands, publishes Gold; a second run does nothing twice', async () => {
    const env = { LAMBDA_IOT_DATA_DIR: tempDataDir('run') };
    const args = ['run', '--devices', '3', '--days', '2', '--seed', '8', '--json'];
    const first = await runCli(args, env);
    expect(first.code, first.stderr).toBe(0);
    const s = JSON.parse(first.stdout);
    const messages = (topic: string) =>
      s.topics
        .find((t: { topic: string }) => t.topic === topic)
        .partitions.reduce((n: number, p: { endOffset: number }) => n + p.endOffset, 0);
    expect(s.simulation.action).toBe('produced');
    expect(s.lake.telemetry.rows).toBe(messages('iot-telemetry'));
    expect(s.lake.events.rows).toBe(messages('iot-events'));
    expect(s.batch).toMatchObject({ published: true, range: { from: '2025-04-01', to: '2025-04-02' } });
    expect(s.batch.tables.map((t: { table: string }) => t.table)).toEqual([
      'iot.gold_device_health',
      'iot.gold_failure_predictions',
      'iot.gold_maintenance_schedule',
    ]);
    expect(s.topRisk.length).toBeGreaterThan(0);
    expect(s.speed.realtimeRows).toBeGreaterThanOrEqual(6); // 3 devices × 2 dates, at least once each
    expect(s.topRisk[0].prediction_date).toBe('2025-04-02');

    const second = JSON.parse((await runCli(args, env)).stdout);
    expect(second.simulation.action).toBe('skipped');
    expect(second.speed.read).toBe(0);
    expect(second.landing.read).toBe(0);
    expect(second.batch.range).toBeNull();
    expect(second.batch.mainHash).toBe(s.batch.mainHash);

    const human = await runCli(['run', '--devices', '3', '--days', '2', '--seed', '8'], env);
    expect(human.stdout).toMatch(/^batch +nothing new to build/m);
    expect(human.stdout).toMatch(/^top risk +on 2025-04-02/m);
    expect(human.stdout).toMatch(
      /^ +0 real-time device-day rows published to iot-device-health-rt this run/m,
    );
  }, 180_000);
});
