import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openLog } from '../../src/bus/openLog.js';
import { loadConfig } from '../../src/config/config.js';
import { topicName } from '../../src/config/names.js';
import { runCli, startCli, tempDataDir } from '../support/cli.js';

/** Device ids the contract allows (≤ 128 characters) that SQL pasting would break; stored and queried literally. */
const ODD_IDS = [
  'o\'brien "quoted"',
  'semi;colon -- drop',
  '100% wildcard_',
  'ünïcödé-機械-🔧',
  'x'.repeat(128),
];
const TOO_LONG = 'y'.repeat(129);

const anomaly = (device_id: string, minute: number) => ({
  device_id,
  timestamp: `2025-04-01T10:${String(minute).padStart(2, '0')}:00Z`,
  anomaly_type: 'high_temperature',
  severity: 'critical',
  description: 'Temperature 33.1 °C (threshold: 28)',
  is_confirmed: false,
  confirmed_by: null,
});

let dir: string;
const env = () => ({ LAMBDA_IOT_DATA_DIR: dir });

async function waitForOwner(role: string, timeoutMs = 30_000): Promise<void> {
  const file = path.join(dir, 'serving', 'owner.json');
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if (JSON.parse(fs.readFileSync(file, 'utf8')).role === role) return;
    } catch {}
    if (Date.now() > deadline) throw new Error(`no ${role} owner in ${file} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

beforeAll(async () => {
  dir = tempDataDir('serving-cli');
  const config = loadConfig(env());
  const log = await openLog(config);
  try {
    const records = [...ODD_IDS, TOO_LONG].map((id, i) => ({
      key: id,
      value: JSON.stringify(anomaly(id, i)),
      timestamp: Date.UTC(2025, 3, 1, 10, i),
    }));
    await log.produce(topicName(config, 'anomalies'), records);
  } finally {
    await log.close();
  }
});

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('lambda-iot serve, sql, views refresh, serve status', () => {
  it('ingests anomalies; odd device ids are stored and queried literally; a 129-character id goes to iot-dlq', async () => {
    const served = await runCli(['serve', '--until-idle', '--json'], env());
    expect(served.code, served.stderr).toBe(0);
    const stats = JSON.parse(served.stdout);
    expect(stats).toMatchObject({ anomalies: ODD_IDS.length, deadLettered: 1 });
    for (const id of ODD_IDS) {
      const result = await runCli(
        [
          'sql',
          'select device_id, severity from anomalies_streaming where device_id = $id',
          '--param',
          `id=${id}`,
          '--json',
        ],
        env(),
      );
      expect(result.code, result.stderr).toBe(0);
      expect(JSON.parse(result.stdout)).toEqual([{ device_id: id, severity: 'critical' }]);
    }
    const like = await runCli(
      [
        'sql',
        "select count(*) as n from anomalies_streaming where device_id like '100\\%%' escape '\\'",
        '--json',
      ],
      env(),
    );
    expect(JSON.parse(like.stdout)).toEqual([{ n: 1 }]);
    const dlq = await runCli(['tail', 'iot-dlq', '--from-beginning', '--json'], env());
    expect(dlq.stdout).toContain('device_id');
  });

  it('refuses a statement that is not a read-only query with exit code 2 (every case: test/serving/readOnlySql.test.ts)', async () => {
    for (const statement of [
      'with doomed as (select 1) delete from anomalies_streaming',
      'select 1; drop table anomalies_streaming',
    ]) {
      const result = await runCli(['sql', statement], env());
      expect(result.code, `${statement}: ${result.stderr}`).toBe(2);
      expect(result.stderr, statement).toMatch(/sql refused: /);
    }
    const still = await runCli(['sql', 'select count(*) as n from anomalies_streaming', '--json'], env());
    expect(JSON.parse(still.stdout)).toEqual([{ n: ODD_IDS.length }]);
  });

  it('views refresh and serve status work when no serve runs (the command owns the database while it runs)', async () => {
    const refresh = await runCli(['views', 'refresh', '--json'], env());
    expect(refresh.code, refresh.stderr).toBe(0);
    expect(JSON.parse(refresh.stdout)).toHaveLength(2);
    const status = await runCli(['serve', 'status', '--json'], env());
    expect(status.code, status.stderr).toBe(0);
    expect(JSON.parse(status.stdout).tables.anomalies_streaming).toBe(ODD_IDS.length);
    expect(fs.existsSync(path.join(dir, 'serving', 'owner.json'))).toBe(false);
  });

  it('sql, views refresh and serve status work through the owner while serve runs', async () => {
    const serve = startCli(['serve'], env());
    try {
      await waitForOwner('ingest');
      const [query, refresh, status] = await Promise.all([
        runCli(['sql', 'select count(*) as n from anomaly_rollup', '--json'], env()),
        runCli(['views', 'refresh', '--json'], env()),
        runCli(['serve', 'status', '--json'], env()),
      ]);
      expect(query.code, query.stderr).toBe(0);
      expect(JSON.parse(query.stdout)).toEqual([{ n: ODD_IDS.length }]);
      expect(refresh.code, refresh.stderr).toBe(0);
      expect(JSON.parse(refresh.stdout).map((r: { view: string }) => r.view)).toEqual([
        'anomaly_rollup',
        'unified_device_health',
      ]);
      expect(status.code, status.stderr).toBe(0);
      const parsed = JSON.parse(status.stdout);
      expect(parsed.ownedBy).toBe(serve.child.pid);
      expect(parsed.tables.anomalies_streaming).toBe(ODD_IDS.length);
      const second = await runCli(['serve', '--until-idle'], env());
      expect(second.code).toBe(2);
      expect(second.stderr).toMatch(/already owns and ingests/);
    } finally {
      serve.child.kill('SIGTERM');
      const exit = await serve.exited;
      expect(exit.code, exit.stderr).toBe(0);
    }
    expect(fs.existsSync(path.join(dir, 'serving', 'owner.json'))).toBe(false);
  });

  it('serve and sql started together: both succeed (the loser of the file lock uses the winner’s endpoint)', async () => {
    const [served, queried] = await Promise.all([
      runCli(['serve', '--until-idle'], env()),
      runCli(['sql', 'select count(*) as n from anomalies_streaming', '--json'], env()),
    ]);
    expect(served.code, served.stderr).toBe(0);
    expect(queried.code, queried.stderr).toBe(0);
    expect(JSON.parse(queried.stdout)).toEqual([{ n: ODD_IDS.length }]);
  });
});
