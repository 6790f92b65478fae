import fs from 'node:fs';

/**
 * Deterministic crash hook for crash tests: when LAMBDA_IOT_TEST_CRASH_AT names this point, the process
 * says so on stderr and SIGKILLs itself, so no cleanup, flush or commit runs. Tests assert the message.
 * `afterHits` lets a test crash at the n-th time the point is reached (LAMBDA_IOT_TEST_CRASH_AFTER, default 1).
 * @example crashPoint('tail:after-output'); // between writing a batch and committing its offsets
 */
export function crashPoint(name: string, env: NodeJS.ProcessEnv = process.env): void {
  if (env.LAMBDA_IOT_TEST_CRASH_AT !== name) return;
  const wanted = Number(env.LAMBDA_IOT_TEST_CRASH_AFTER ?? '1');
  hits.set(name, (hits.get(name) ?? 0) + 1);
  if ((hits.get(name) ?? 0) < wanted) return;
  fs.writeSync(2, `crash hook fired: ${name}\n`);
  process.kill(process.pid, 'SIGKILL');
}

const hits = new Map<string, number>();
