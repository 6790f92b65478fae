import { describe, expect, it } from 'vitest';
import { causeChain, describeFailure } from '../../src/cli/failure.js';
import { CliError, ConfigError, KitError, StoreError } from '../../src/errors.js';

describe('describeFailure: what the CLI prints for a failed command', () => {
  const root = new Error('ENOTDIR: not a directory');
  const store = new StoreError('lake local put failed: k', { cause: root });
  const write = new KitError('write-audit-publish r1: writing failed', { cause: store });

  it('prints the message, then one "caused by" line per cause, without stacks; exit 1', () => {
    expect(describeFailure(write, false)).toEqual({
      text:
        'lambda-iot: write-audit-publish r1: writing failed\n' +
        '  caused by: lake local put failed: k\n' +
        '  caused by: ENOTDIR: not a directory\n',
      exitCode: 1,
    });
  });

  it('with --debug, each line is followed by its stack', () => {
    const { text } = describeFailure(write, true);
    const lines = text.split('\n');
    expect(lines[0]).toBe('lambda-iot: write-audit-publish r1: writing failed');
    expect(lines[1]).toMatch(/^ {4}at /);
    const causes = lines.filter((l) => l.startsWith('  caused by: '));
    expect(causes).toEqual([
      '  caused by: lake local put failed: k',
      '  caused by: ENOTDIR: not a directory',
    ]);
    for (const c of causes) expect(lines[lines.indexOf(c) + 1]).toMatch(/^ {4}at /);
  });

  it('an unexpected error exits 1 (not 70) and shows its chain; CliError keeps its code, ConfigError exits 2', () => {
    const unexpected = new TypeError('x is undefined', { cause: new RangeError('deep') });
    expect(describeFailure(unexpected, false)).toEqual({
      text: 'lambda-iot: unexpected error: x is undefined\n  caused by: deep\n(rerun with --debug for details)\n',
      exitCode: 1,
    });
    const usage = new CliError('sql rejected: no', { exitCode: 2, cause: new Error('no') });
    expect(describeFailure(usage, false)).toEqual({
      text: 'lambda-iot: sql rejected: no\n  caused by: no\n',
      exitCode: 2,
    });
    const repeated = new CliError('bad rule', { exitCode: 2, cause: new Error('bad rule') });
    expect(describeFailure(repeated, false).text).toBe('lambda-iot: bad rule\n');
    const config = new ConfigError('LAMBDA_IOT_BUS', 'must be embedded or kafka');
    expect(describeFailure(config, false)).toEqual({
      text: 'lambda-iot: config LAMBDA_IOT_BUS: must be embedded or kafka\n(see lambda-iot --help for every variable)\n',
      exitCode: 2,
    });
  });

  it('ends the chain at a cycle', () => {
    const a = new Error('a');
    const b = new Error('b', { cause: a });
    a.cause = b;
    expect(causeChain(a)).toEqual([b]);
  });
});
