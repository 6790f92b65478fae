import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatDuration } from '../../src/cli/options.js';
import { referenceRules, saveRuleSet } from '../../src/speed/ruleSet.js';
import { runCli, tempDataDir } from '../support/cli.js';

/** A data directory that exists, so nothing but the option under test can fail. */
const env = () => ({ LAMBDA_IOT_DATA_DIR: tempDataDir('errors') });

describe('a bad option value says which option, which value and why; exit 2, nothing run', () => {
  // [argv, the option's flags as commander prints them, the value, the reason]
  const cases: [string[], string, string, RegExp][] = [
    [['stream', '--until-idle', 'foo'], '--until-idle [duration]', 'foo', /expected a duration like 90s/],
    [['stream', '--until-idle', '0'], '--until-idle [duration]', '0', /expected a positive duration/],
    [['land', '--until-idle', '5x'], '--until-idle [duration]', '5x', /expected a duration like 90s/],
    [['serve', '--until-idle', 'soon'], '--until-idle [duration]', 'soon', /expected a duration/],
    [['simulate', '--from', '2025-02-30'], '--from <time>', '2025-02-30', /expected a UTC date/],
    [['simulate', '--to', 'tomorrow'], '--to <time>', 'tomorrow', /expected a UTC date/],
    [['batch', '--from', '2025-02-30'], '--from <date>', '2025-02-30', /exists in the calendar/],
    [['batch', '--to', '5.4.2025'], '--to <date>', '5.4.2025', /expected a date YYYY-MM-DD/],
    [
      ['stream', '--rules', 'missing.json'],
      '--rules <file>',
      'missing.json',
      /rules file unreadable: .*ENOENT/,
    ],
    [['rules', 'show', '--rules', 'package.json'], '--rules <file>', 'package.json', /rules? /],
    [['rules', 'precursors', '--from', '2025-04-31'], '--from <time>', '2025-04-31', /expected a UTC date/],
    [
      ['lake', 'ls', '--prefix', '../../etc'],
      '--prefix <prefix>',
      '../../etc',
      /lake key part rejected: '\.\.'/,
    ],
  ];
  it.concurrent.each(cases)('%j', async (argv, flags, value, reason) => {
    const dir = tempDataDir('errors');
    const result = await runCli(argv, { LAMBDA_IOT_DATA_DIR: dir });
    expect(result.code, result.stderr).toBe(2);
    const [first] = result.stderr.split('\n');
    expect(first).toContain(`option '${flags}' argument '${value}' is invalid.`);
    expect(first).toMatch(reason);
    expect(result.stdout).toBe('');
    expect(fs.readdirSync(dir)).toEqual([]); // refused before anything was opened
  });
});

describe('help and version still exit 0 and print', () => {
  it('--version prints the package version', async () => {
    const result = await runCli(['--version'], {});
    const { version } = JSON.parse(fs.readFileSync(path.resolve('package.json'), 'utf8'));
    expect(result).toMatchObject({ code: 0, stdout: `${version}\n`, stderr: '' });
  });

  it('a command group without its subcommand prints its help, and nothing else', async () => {
    const result = await runCli(['table'], env());
    expect(result.stdout + result.stderr).toContain('Usage: lambda-iot table');
    expect(result.stderr).not.toMatch(/^error:/m);
  });

  it('`<command> --help` prints that command and exits 0', async () => {
    const result = await runCli(['stream', '--help'], env());
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Usage: lambda-iot stream');
  });
});

describe('options that would do nothing are refused (exit 2), saying why', () => {
  const cases: [string[], string][] = [
    [['simulate', '--rate', '5'], 'simulate: --rate does nothing without --live'],
    [['simulate', '--duration', '1m', '--devices', '2'], 'simulate: --duration does nothing without --live'],
    [['simulate', '--live', '--days', '2', '--again'], 'simulate: --days, --again do nothing with --live'],
    [['dashboard', '--png'], 'dashboard: --png does nothing without --export DIR'],
    [['dashboard', '--range', '24h'], 'dashboard: --range does nothing without --export DIR'],
    [['dashboard', '--export', 'out', '--port', '8081'], 'dashboard: --port does nothing with --export'],
  ];
  it.concurrent.each(cases)('%j', async (argv, message) => {
    const dir = tempDataDir('unused');
    const result = await runCli(argv, { LAMBDA_IOT_DATA_DIR: dir });
    expect(result.code, result.stderr).toBe(2);
    expect(result.stderr).toContain(`lambda-iot: ${message}`);
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  it('stream --vibration-threshold with --rules (it only adjusts the reference rules)', async () => {
    const dir = tempDataDir('unused');
    const rules = path.join(tempDataDir('rules'), 'rules.json');
    saveRuleSet(rules, referenceRules());
    const result = await runCli(['stream', '--rules', rules, '--vibration-threshold', '4'], {
      LAMBDA_IOT_DATA_DIR: dir,
    });
    expect(result.code, result.stderr).toBe(2);
    expect(result.stderr).toContain('lambda-iot: stream: --vibration-threshold does nothing with --rules');
    expect(fs.readdirSync(dir)).toEqual([]);
  });
});

describe('help shows duration defaults as durations', () => {
  it('formatDuration picks a readable unit', () => {
    expect([60_000, 259_200_000, 86_400_000, 2_000, 1_500, 5 * 60_000].map(formatDuration)).toEqual([
      '60s',
      '3d',
      '24h',
      '2s',
      '1500ms',
      '5m',
    ]);
  });

  it('simulate --cadence and table orphans --older-than', async () => {
    const simulate = await runCli(['simulate', '--help'], {});
    expect(simulate.stdout).toMatch(/--cadence <duration>[\s\S]*\(default: 60s\)/);
    const orphans = await runCli(['table', 'orphans', '--help'], {});
    expect(orphans.stdout).toMatch(/--older-than <duration>[\s\S]*\(default: 3d\)/);
    for (const out of [simulate.stdout, orphans.stdout]) expect(out).not.toMatch(/default: \d{4,}\)/);
  });
});

describe('batch over a lake file DuckDB cannot read names the file and says to move it away', () => {
  const unreadable = (key: string) =>
    new RegExp(
      `^lambda-iot: lake file unreadable: ${key.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\(.+\\); move it out of raw/`,
      'm',
    );

  it('a file that is not Parquet (no footer): exit 1, the file named by its lake key', async () => {
    const dataDir = tempDataDir('junk');
    const key = 'raw/telemetry/date=2025-04-01/notes.parquet';
    fs.mkdirSync(path.join(dataDir, 'lake', path.dirname(key)), { recursive: true });
    fs.writeFileSync(path.join(dataDir, 'lake', key), 'meeting notes, not Parquet\n');
    const result = await runCli(['batch'], { LAMBDA_IOT_DATA_DIR: dataDir });
    expect(result.code, result.stderr).toBe(1);
    expect(result.stderr).toMatch(unreadable(key));
    expect(result.stderr).not.toMatch(/unexpected error/);
  });

  it('a landed file damaged inside (its footer reads, its pages do not)', async () => {
    const env = { LAMBDA_IOT_DATA_DIR: tempDataDir('damaged'), LAMBDA_IOT_BUS: 'embedded' };
    expect((await runCli(['simulate', '--devices', '1', '--days', '1'], env)).code).toBe(0);
    expect((await runCli(['land', '--until-idle', '1s'], env)).code).toBe(0);
    const folder = path.join(env.LAMBDA_IOT_DATA_DIR, 'lake', 'raw', 'telemetry', 'date=2025-04-01');
    const [landed] = fs.readdirSync(folder);
    const bytes = fs.readFileSync(path.join(folder, landed!));
    bytes.fill(0x41, 100, Math.min(2_000, bytes.length - 1_000)); // data pages; the footer at the end stays
    fs.writeFileSync(path.join(folder, 'copy-damaged.parquet'), bytes);
    const result = await runCli(['batch'], env);
    expect(result.code, result.stderr).toBe(1);
    expect(result.stderr).toMatch(unreadable('raw/telemetry/date=2025-04-01/copy-damaged.parquet'));
  });
});

describe('Kafka out of reach: one line saying what to check; kafkajs diagnostics only with --debug', () => {
  /** A port nothing listens on: bound once by this process, then released. */
  async function closedPort(): Promise<number> {
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as net.AddressInfo;
    await new Promise((resolve) => server.close(resolve));
    return port;
  }

  it('stderr ends with "cannot reach …; check LAMBDA_IOT_KAFKA_BROKERS"; --debug adds kafkajs lines', async () => {
    const brokers = `127.0.0.1:${await closedPort()}`;
    const env = {
      LAMBDA_IOT_DATA_DIR: tempDataDir('kafka'),
      LAMBDA_IOT_BUS: 'kafka',
      LAMBDA_IOT_KAFKA_BROKERS: brokers,
    };
    const [plain, debug] = await Promise.all([runCli(['topics'], env), runCli(['--debug', 'topics'], env)]);
    const cannotReach = new RegExp(
      `^lambda-iot: kafka connect: cannot reach ${brokers} \\(.*\\); check LAMBDA_IOT_KAFKA_BROKERS$`,
      'm',
    );
    for (const result of [plain, debug]) {
      expect(result.code, result.stderr).toBe(1);
      expect(result.stderr).toMatch(cannotReach);
    }
    const kafkajsLines = (stderr: string) =>
      stderr.split('\n').filter((l) => /^kafka [A-Za-z]+: /.test(l) || l.startsWith('{"level"'));
    expect(kafkajsLines(plain.stderr)).toEqual([]);
    expect(plain.stderr.split('\n')[0]).toMatch(cannotReach);
    expect(kafkajsLines(debug.stderr).length).toBeGreaterThan(0);
    expect(kafkajsLines(debug.stderr).join('\n')).toContain('ECONNREFUSED');
  });
});
