import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { tempDir } from './tempDirs.js';

const ROOT = path.resolve(__dirname, '..', '..');

/** s3rver's built-in account. */
export const S3RVER_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };

export interface S3ForTests {
  /** e.g. http://127.0.0.1:41234 */
  endpoint: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
  stop(): void;
}

/** A random bucket name per test file, so test files never share objects on one server. */
export function randomBucket(label = 'lake'): string {
  return `t${randomBytes(4).toString('hex')}-${label}`;
}

/** Whether the s3rver devDependency is installed. */
export function hasS3rver(): boolean {
  return fs.existsSync(path.join(ROOT, 'node_modules', 's3rver', 'bin', 's3rver.js'));
}

/**
 * Starts s3rver on 127.0.0.1 with a free port (`--port 0`, the bound port read from its "S3rver
 * listening on host:port" line) and data in a temporary directory, through a launcher that stops it
 * when this process goes away.
 */
export async function startS3rver(timeoutMs = 15_000): Promise<S3ForTests> {
  const directory = tempDir('lambda-iot-s3rver-');
  const launcher = path.join(__dirname, 's3rverChild.cjs');
  const child: ChildProcess = spawn(
    process.execPath,
    [
      '--openssl-legacy-provider',
      launcher,
      '--directory',
      directory,
      '--address',
      '127.0.0.1',
      '--port',
      '0',
      '--silent',
    ],
    {
      stdio: ['pipe', 'pipe', 'pipe'],
      cwd: ROOT,
      env: { ...process.env, LAMBDA_IOT_S3RVER_SCRATCH: directory },
    },
  );
  const endpoint = await new Promise<string>((resolve, reject) => {
    let text = '';
    const timer = setTimeout(() => reject(new Error(`s3rver did not start: ${text.slice(-500)}`)), timeoutMs);
    const fail = (error: Error) => {
      clearTimeout(timer);
      reject(error);
    };
    child.on('error', fail);
    child.on('exit', (code) => fail(new Error(`s3rver exited with ${code}: ${text.slice(-500)}`)));
    child.stderr?.on('data', (chunk: Buffer) => {
      text += chunk.toString();
    });
    child.stdout?.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      const m = /S3rver listening on ([0-9.]+):(\d+)/.exec(text);
      if (m) {
        clearTimeout(timer);
        resolve(`http://${m[1]}:${m[2]}`);
      }
    });
  });
  child.stdout?.resume();
  // the launcher removes the directory when it stops: on SIGTERM, or when this process ends and closes its stdin
  const stop = () => child.kill('SIGTERM');
  return { endpoint, credentials: S3RVER_CREDENTIALS, stop };
}

let shared: Promise<S3ForTests | undefined> | undefined;

/**
 * An S3 server for tests: LAMBDA_IOT_TEST_S3_ENDPOINT if set (.ci/run starts s3rver; the credentials are
 * AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY when both are set, else s3rver's), else s3rver started here from
 * the devDependency; undefined when neither is available. To try the kit against it by hand:
 * `AWS_ACCESS_KEY_ID=S3RVER AWS_SECRET_ACCESS_KEY=S3RVER LAMBDA_IOT_STORE=s3 LAMBDA_IOT_S3_ENDPOINT=…`.
 */
export function s3ForTests(): Promise<S3ForTests | undefined> {
  shared ??= (async () => {
    const given = process.env.LAMBDA_IOT_TEST_S3_ENDPOINT;
    if (given) {
      const { AWS_ACCESS_KEY_ID: accessKeyId, AWS_SECRET_ACCESS_KEY: secretAccessKey } = process.env;
      const credentials =
        accessKeyId && secretAccessKey ? { accessKeyId, secretAccessKey } : S3RVER_CREDENTIALS;
      return { endpoint: given, credentials, stop: () => undefined };
    }
    return hasS3rver() ? startS3rver() : undefined;
  })();
  return shared;
}
