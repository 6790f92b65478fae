import { afterAll, describe, expect, it } from 'vitest';
import { openLog } from '../../src/bus/openLog.js';
import { loadConfig } from '../../src/config/config.js';
import { type CliResult, startCli, tempDataDir } from '../support/cli.js';
import { kafkaForTests, randomPrefix, requireService } from '../support/services.js';

interface Line {
  topic: string;
  partition: number;
  offset: number;
}

const parse = (lines: string[]): Line[] => lines.map((l) => JSON.parse(l) as Line);
const id = (l: Line) => `${l.partition}:${l.offset}`;

async function endOffsets(env: Record<string, string>, topic: string): Promise<Map<number, number>> {
  const log = await openLog(loadConfig(env));
  try {
    return new Map((await log.partitionOffsets(topic)).map((p) => [p.partition, p.endOffset]));
  } finally {
    await log.close();
  }
}

async function committed(
  env: Record<string, string>,
  group: string,
  topic: string,
): Promise<Map<number, number>> {
  const log = await openLog(loadConfig(env));
  try {
    return await log.committedOffsets(group, topic);
  } finally {
    await log.close();
  }
}

/** Every (partition, offset) below the end offsets. */
function allIds(ends: Map<number, number>): string[] {
  const out: string[] = [];
  for (const [p, end] of ends) for (let o = 0; o < end; o++) out.push(`${p}:${o}`);
  return out.sort();
}

async function waitUntil(condition: () => Promise<boolean> | boolean, timeoutMs: number, what: string) {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/**
 * Two processes: a live simulator and a consumer group (`tail --group --follow`). The consumer is
 * stopped (SIGTERM) or crashed by the test hook, then restarted; the outputs together must hold every
 * message, repeating only what the crashed run had not committed.
 */
function describeResume(bus: string, envFor: () => Promise<Record<string, string> | undefined>) {
  describe(`consumer restart on ${bus}`, () => {
    const started: ReturnType<typeof startCli>[] = [];
    const start = (args: string[], env: Record<string, string>) => {
      const cli = startCli(args, env);
      started.push(cli);
      return cli;
    };
    afterAll(() => {
      for (const s of started) s.child.kill('SIGKILL');
    });

    async function scenario(crash: boolean) {
      const base = await envFor();
      const env = {
        ...base!,
        LAMBDA_IOT_DATA_DIR: tempDataDir('resume'),
        LAMBDA_IOT_NAME_PREFIX: randomPrefix(),
      };
      const topic = `${env.LAMBDA_IOT_NAME_PREFIX}iot-telemetry`;
      const group = `${env.LAMBDA_IOT_NAME_PREFIX}resume-group`;
      const simulator = start(
        ['simulate', '--live', '--devices', '20', '--rate', '20', '--duration', '12s', '--json'],
        env,
      );
      const tailArgs = ['tail', 'iot-telemetry', '--group', group, '--from-beginning', '--follow', '--json'];
      const firstEnv = crash
        ? { ...env, LAMBDA_IOT_TEST_CRASH_AT: 'tail:after-handle', LAMBDA_IOT_TEST_CRASH_AFTER: '4' }
        : env;
      const first = start(tailArgs, firstEnv);
      let firstExit: CliResult;
      if (crash) {
        firstExit = await first.exited;
        expect(firstExit.signal).toBe('SIGKILL');
        expect(firstExit.stderr).toContain('crash hook fired: tail:after-handle');
      } else {
        await first.waitForLines(40).catch((error) => {
          throw new Error(`${error.message}\nsimulator stderr: ${simulator.stderr().slice(-2000)}`);
        });
        first.child.kill('SIGTERM');
        firstExit = await first.exited;
        expect(firstExit.code).toBe(0);
      }
      const firstLines = parse(first.lines);
      const commitsAfterFirst = await committed(env, group, topic);

      const second = start(tailArgs, env);
      const simulated = await simulator.exited;
      expect(simulated.code).toBe(0);
      const ends = await endOffsets(env, topic);
      const expected = allIds(ends);
      await waitUntil(
        () => new Set([...firstLines, ...parse(second.lines)].map(id)).size >= expected.length,
        90_000,
        `the restarted consumer to catch up to ${expected.length} messages`,
      );
      second.child.kill('SIGTERM');
      expect((await second.exited).code).toBe(0);
      const secondLines = parse(second.lines);

      const union = [...new Set([...firstLines, ...secondLines].map(id))].sort();
      expect(union).toEqual(expected); // nothing lost
      const firstIds = new Set(firstLines.map(id));
      const repeated = secondLines
        .filter((l) => firstIds.has(id(l)))
        .map(id)
        .sort();
      // only what the first run printed after its last commit comes again
      const uncommitted = firstLines
        .filter((l) => l.offset >= (commitsAfterFirst.get(l.partition) ?? 0))
        .map(id)
        .sort();
      expect(repeated).toEqual(uncommitted);
      if (crash) expect(repeated.length).toBeGreaterThan(0);
      else expect(repeated).toEqual([]);
      expect(new Set(secondLines.map(id)).size).toBe(secondLines.length);
    }

    // retry: once in CI a consumer printed nothing for 60 s (cause not found; the failure message now
    // carries the simulator's stderr). Reproduction attempt, 2026-12-04: this case alone, 30 runs on each log
    // (embedded and the librdkafka mock), a 60 s bound per run, no retry, on a 2-core machine shared with other
    // test runs: 60 of 60 passed, 842 s wall time (embedded 12.5–19.8 s a run, Kafka 11.9–14.5 s). Not
    // reproduced, so the retry stays on this case only; the crash case below runs without one.
    it('SIGTERM then restart: nothing lost, nothing repeated', { retry: 1 }, () => scenario(false));
    it('crash by hook between output and commit, restart: nothing lost, only uncommitted messages repeat', () =>
      scenario(true));
  });
}

describeResume('embedded log', async () => ({ LAMBDA_IOT_BUS: 'embedded' }));

const kafka = await kafkaForTests();
if (
  requireService(
    'Kafka (librdkafka mock cluster)',
    kafka !== undefined,
    'install Debian kcat or set LAMBDA_IOT_TEST_KAFKA_BROKERS',
  )
) {
  describeResume('kafka (librdkafka mock)', async () => ({
    LAMBDA_IOT_BUS: 'kafka',
    LAMBDA_IOT_KAFKA_BROKERS: kafka!.brokers,
    LAMBDA_IOT_SESSION_TIMEOUT_MS: '6000',
  }));
}
