import { type ChildProcess, spawn, spawnSync } from 'node:child_process';

export interface MockCluster {
  /** bootstrap servers, e.g. "127.0.0.1:41234". */
  brokers: string;
  stop(): void;
}

/** Whether Debian's kcat (which embeds librdkafka's mock cluster) is installed. */
export function hasKcat(): boolean {
  return spawnSync('kcat', ['-V']).status === 0;
}

/**
 * Starts librdkafka's mock Kafka cluster through kcat (a real Kafka-protocol peer without a JVM, for
 * tests, benchmarks and offline workshops). It lives as long as kcat's stdin stays open. Limits: no
 * CreateTopics (topics auto-create with 4 partitions), no ListGroups/DescribeGroups.
 * @example const mock = await startMockCluster(); process.env.LAMBDA_IOT_KAFKA_BROKERS = mock.brokers;
 */
export async function startMockCluster(timeoutMs = 15_000): Promise<MockCluster> {
  const child: ChildProcess = spawn(
    'kcat',
    ['-P', '-b', '127.0.0.1:1', '-t', '__keepalive', '-X', 'test.mock.num.brokers=1', '-d', 'mock'],
    { stdio: ['pipe', 'ignore', 'pipe'] },
  );
  const brokers = await new Promise<string>((resolve, reject) => {
    let text = '';
    const timer = setTimeout(
      () => reject(new Error(`kcat mock cluster did not start: ${text.slice(-500)}`)),
      timeoutMs,
    );
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      const m = /bootstrap\.servers=([0-9.:,]+)/.exec(text);
      if (m) {
        clearTimeout(timer);
        child.stderr?.removeAllListeners('data');
        child.stderr?.resume();
        resolve(m[1]!);
      }
    });
    child.on('exit', (code) => reject(new Error(`kcat exited with ${code}: ${text.slice(-500)}`)));
  });
  // kcat -P waits on stdin and may linger after SIGTERM; end its input and kill it so no pipe keeps us alive.
  return {
    brokers,
    stop: () => {
      child.stdin?.end();
      child.kill('SIGKILL');
    },
  };
}
