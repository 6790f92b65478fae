import path from 'node:path';
import { expect, it } from 'vitest';
import { openEmbeddedLog } from '../../src/bus/embedded/embeddedLog.js';
import { summarizeAnomalies } from '../../src/speed/anomalySummary.js';
import { tempDir } from '../support/tempDirs.js';

it('counts distinct anomalies by type and severity, and repeated identities apart', async () => {
  const log = openEmbeddedLog({
    file: path.join(tempDir('lambda-iot-summary-'), 'log.sqlite'),
  });
  const anomaly = (timestamp: string, type: string, severity: string, confirmed: boolean) => ({
    device_id: 'device_1',
    timestamp,
    anomaly_type: type,
    severity,
    description: 'x',
    is_confirmed: confirmed,
    confirmed_by: confirmed ? 'system' : null,
  });
  const values = [
    anomaly('2025-04-01T00:00:00Z', 'high_temperature', 'high', false),
    anomaly('2025-04-01T00:01:00Z', 'high_temperature', 'critical', true),
    anomaly('2025-04-01T00:01:00Z', 'high_temperature', 'critical', true), // a repeat after a restart
    anomaly('2025-04-01T00:02:00Z', 'low_signal', 'medium', false),
  ];
  await log.produce(
    'iot-anomalies',
    [...values.map((v) => JSON.stringify(v)), '{not json'].map((value) => ({
      key: 'device_1',
      value,
      timestamp: 0,
    })),
  );
  expect(await summarizeAnomalies(log, 'iot-anomalies')).toEqual({
    anomalies: 3,
    repeats: 1,
    confirmed: 1,
    byType: { high_temperature: 2, low_signal: 1 },
    bySeverity: { high: 1, critical: 1, medium: 1 },
    byTypeAndSeverity: { high_temperature: { high: 1, critical: 1 }, low_signal: { medium: 1 } },
  });
  expect((await summarizeAnomalies(log, 'no-such-topic')).anomalies).toBe(0);
  await log.close();
});
