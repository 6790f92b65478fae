import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openLog } from '../src/bus/openLog.js';
import { loadConfig } from '../src/config/config.js';
import { topicName } from '../src/config/names.js';
import { openStack } from '../src/pipeline/stack.js';
import { openServing } from '../src/serving/openServing.js';
import { formatUtc } from '../src/time/utcTime.js';

export interface FreshnessBench {
  ratePerSecond: number;
  seconds: number;
  probes: number;
  /** Probes whose anomaly and device-day row became queryable before the end of the run. */
  seen: number;
  p50Ms: number;
  p99Ms: number;
}

const BIN = path.resolve('bin', 'lambda-iot.js');
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function start(args: string[], env: NodeJS.ProcessEnv): ChildProcess {
  return spawn(process.execPath, [BIN, ...args], { env, stdio: ['ignore', 'ignore', 'pipe'] });
}

/**
 * Freshness at a live rate: readings are appended to the embedded log at `ratePerSecond` while the speed
 * layer (`lambda-iot stream`) and the serving layer (`lambda-iot serve`) run as separate processes. Every
 * 250 ms a probe reading (a new device, 35 °C: a critical high_temperature) is appended; its latency is the
 * time from its append until both its anomaly and its device-day row are queryable through the serving owner.
 */
export async function benchFreshness(ratePerSecond = 1000, seconds = 30): Promise<FreshnessBench> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lambda-iot-freshness-'));
  const env = { ...process.env, LAMBDA_IOT_DATA_DIR: dir, LAMBDA_IOT_SPEED_COMMIT_INTERVAL_MS: '1000' };
  const config = loadConfig(env);
  const log = await openLog(config);
  const telemetry = topicName(config, 'telemetry');
  await log.ensureTopic(telemetry);
  const stream = start(['stream'], env);
  const serve = start(['serve'], env);
  const stack = openStack(config);
  const appended = new Map<string, number>();
  const seenAt = new Map<string, number>();
  try {
    // Wait for the serving owner to answer.
    let handle = await openServing(stack);
    for (let i = 0; handle.owner && i < 100; i++) {
      await handle.close();
      await pause(100);
      handle = await openServing(stack);
    }
    const reading = (device: string, ms: number, temperature: number) => ({
      key: device,
      value: JSON.stringify({
        device_id: device,
        timestamp: formatUtc(ms),
        energy_usage: 2.5,
        temperature,
        vibration: 1.2,
        signal_strength: 88,
      }),
      timestamp: ms,
    });
    const started = Date.now();
    let probe = 0;
    let nextProbe = started;
    const poll = async () => {
      const waiting = [...appended.keys()].filter((d) => !seenAt.has(d));
      if (waiting.length === 0) return;
      const result = await handle.serving.query(
        `select a.device_id from anomalies_streaming a join device_health_rt r on r.device_id = a.device_id
         where a.device_id in (select unnest(string_split($devices, ',')))`,
        { devices: waiting.join(',') },
      );
      const now = Date.now();
      for (const row of result.rows) seenAt.set(String(row.device_id), now);
    };
    while (Date.now() - started < seconds * 1000) {
      const tick = Date.now();
      const batch = [];
      for (let i = 0; i < ratePerSecond / 10; i++)
        batch.push(reading(`device_${i % 100}`, tick, 22 + (i % 5)));
      if (tick >= nextProbe) {
        const device = `probe_${probe++}`;
        batch.push(reading(device, tick, 35));
        nextProbe += 250;
        await log.produce(telemetry, batch);
        appended.set(device, Date.now());
      } else {
        await log.produce(telemetry, batch);
      }
      await poll();
      const elapsed = Date.now() - tick;
      if (elapsed < 100) await pause(100 - elapsed);
    }
    const deadline = Date.now() + 10_000;
    while (seenAt.size < appended.size && Date.now() < deadline) {
      await poll();
      await pause(20);
    }
    await handle.close();
  } finally {
    stream.kill('SIGTERM');
    serve.kill('SIGTERM');
    await Promise.all([stream, serve].map((c) => new Promise((r) => c.once('close', r))));
    await stack.close();
    await log.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
  const latencies = [...seenAt.entries()].map(([d, at]) => at - appended.get(d)!).sort((a, b) => a - b);
  const pick = (p: number) =>
    latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? Number.NaN;
  return {
    ratePerSecond,
    seconds,
    probes: appended.size,
    seen: latencies.length,
    p50Ms: pick(0.5),
    p99Ms: pick(0.99),
  };
}
