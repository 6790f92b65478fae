import fs from 'node:fs';

/**
 * Deterministic hooks for crash and signal tests, at named points of the long-running loops.
 *
 * Crash: when LAMBDA_IOT_TEST_CRASH_AT names this point, the process says so on stderr and SIGKILLs itself,
 * so no cleanup, flush or commit runs. Tests assert the message. `afterHits` lets a test crash at the n-th
 * time the point is reached (LAMBDA_IOT_TEST_CRASH_AFTER, default 1).
 *
 * Pause: when LAMBDA_IOT_TEST_PAUSE_AT names this point, the first time it is reached the process writes
 * `test hook paused: <point>` on stderr and blocks (without running the event loop) until the file
 * LAMBDA_IOT_TEST_PAUSE_UNTIL exists (at most 60 s), then goes on. A signal test waits for the line, sends
 * its signal(s), then creates the file: the signal is pending while the loop resumes, so the test shows
 * that the loop itself gives the handler a turn ("mid-run", without racing the end of the work).
 * @example crashPoint('tail:after-output'); // between writing a batch and committing its offsets
 */
export function crashPoint(name: string, env: NodeJS.ProcessEnv = process.env): void {
  if (env.LAMBDA_IOT_TEST_PAUSE_AT === name) pauseOnce(name, env.LAMBDA_IOT_TEST_PAUSE_UNTIL);
  if (env.LAMBDA_IOT_TEST_CRASH_AT !== name) return;
  const wanted = Number(env.LAMBDA_IOT_TEST_CRASH_AFTER ?? '1');
  hits.set(name, (hits.get(name) ?? 0) + 1);
  if ((hits.get(name) ?? 0) < wanted) return;
  fs.writeSync(2, `crash hook fired: ${name}\n`);
  process.kill(process.pid, 'SIGKILL');
}

const hits = new Map<string, number>();
const paused = new Set<string>();
const PAUSE_CEILING_MS = 60_000;

function pauseOnce(name: string, untilFile: string | undefined): void {
  if (paused.has(name)) return;
  paused.add(name);
  fs.writeSync(2, `test hook paused: ${name}\n`);
  if (untilFile === undefined) return;
  const sleeper = new Int32Array(new SharedArrayBuffer(4));
  const deadline = Date.now() + PAUSE_CEILING_MS;
  while (!fs.existsSync(untilFile) && Date.now() < deadline) Atomics.wait(sleeper, 0, 0, 10);
}
