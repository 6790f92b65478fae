import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { openLog } from '../../src/bus/openLog.js';
import { loadConfig } from '../../src/config/config.js';
import { loadRuleSet, referenceRules } from '../../src/speed/ruleSet.js';
import { runCli, tempDataDir } from '../support/cli.js';

const env = (dataDir: string) => ({ LAMBDA_IOT_DATA_DIR: dataDir, LAMBDA_IOT_BUS: 'embedded' });

describe('lambda-iot rules', () => {
  let dir: string;
  beforeAll(async () => {
    dir = tempDataDir('rules');
    const simulated = await runCli(['simulate', '--devices', '5', '--days', '10', '--seed', '3'], env(dir));
    expect(simulated.code, simulated.stderr).toBe(0);
  });

  it('tune --json prints one row per threshold, exactly one recommended, the reference flagged', async () => {
    const result = await runCli(
      ['rules', 'tune', '--metric', 'vibration', '--range', '2:4:0.5', '--horizon', '24h', '--json'],
      env(dir),
    );
    expect(result.code, result.stderr).toBe(0);
    const rows = JSON.parse(result.stdout);
    expect(rows.map((r: { threshold: number }) => r.threshold)).toEqual([2, 2.5, 3, 3.5, 4]);
    expect(rows.filter((r: { recommended: boolean }) => r.recommended)).toHaveLength(1);
    expect(
      rows.filter((r: { reference: boolean }) => r.reference).map((r: { threshold: number }) => r.threshold),
    ).toEqual([3]);
    for (const row of rows) {
      expect(Object.keys(row)).toEqual(
        expect.arrayContaining([
          'threshold',
          'alerts',
          'alerts_per_device_day',
          'precision',
          'recall',
          'median_lead_time_h',
          'failures',
          'failures_caught',
        ]),
      );
      expect(row.failures).toBeGreaterThan(0);
      expect(row.device_days).toBe(50);
    }
  });

  it('tune prints an aligned table with the recommended row marked, a recommendation, and --save writes a rule set', async () => {
    const saved = path.join(dir, 'tuned.json');
    const result = await runCli(
      ['rules', 'tune', '--metric', 'signal_strength', '--range', '10:40:10', '--save', saved],
      env(dir),
    );
    expect(result.code, result.stderr).toBe(0);
    const lines = result.stdout.trimEnd().split('\n');
    const table = lines.slice(2, 2 + 5);
    expect(table[0]).toMatch(
      /^signal_strength <\s+alerts\s+per device-day\s+95 % bound\s+precision\s+recall/,
    );
    expect(table.filter((l) => l.includes('◀ recommended'))).toHaveLength(1);
    expect(table.find((l) => l.startsWith('30'))).toMatch(/reference/);
    // aligned: every row's recall column ends where the header's does
    const end = table[0]!.indexOf('recall') + 'recall'.length;
    for (const row of table.slice(1)) expect(row.slice(end - 3, end)).toMatch(/ %$|n\/a/);
    expect(lines.at(-1)).toMatch(/^(Keep|Recommended:) signal_strength < \d+/);
    const tuned = loadRuleSet(saved);
    expect(tuned.name).toBe('reference-tuned');
    const recommended = Number(/signal_strength < (\d+)/.exec(lines.at(-1)!)![1]);
    expect(tuned.rules.find((r) => r.metric === 'signal_strength')).toMatchObject({ threshold: recommended });

    const shown = await runCli(['rules', 'show', '--rules', saved], env(dir));
    expect(shown.stdout).toContain(`signal_strength < ${recommended}`);
  });

  it('precursors --json reports every metric with its sentence', async () => {
    const result = await runCli(['rules', 'precursors', '--json'], env(dir));
    expect(result.code, result.stderr).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report.horizonMs).toBe(86_400_000);
    expect(report.failures).toBeGreaterThan(0);
    expect(report.rows.map((r: { metric: string }) => r.metric)).toEqual([
      'any',
      'energy_usage',
      'temperature',
      'vibration',
      'signal_strength',
    ]);
    expect(report.rows[3].sentence).toMatch(
      /^vibration excursions precede \d+ % of failures \(base rate \d+ %, lift/,
    );
  });

  it('show prints the reference rules, and --json a loadable rule set', async () => {
    const [human, json] = await Promise.all([
      runCli(['rules', 'show'], env(dir)),
      runCli(['rules', 'show', '--json'], env(dir)),
    ]);
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/rule set reference, version 1: 4 rule\(s\)/);
    expect(human.stdout).toMatch(/high_vibration\s+threshold\s+vibration > 3\b/);
    expect(JSON.parse(json.stdout)).toEqual(referenceRules());
  });

  it('rejects a bad --range with exit 2 and a message naming --range', async () => {
    const [reversed, garbled] = await Promise.all([
      runCli(['rules', 'tune', '--metric', 'vibration', '--range', '4:2:0.5'], env(dir)),
      runCli(['rules', 'tune', '--metric', 'vibration', '--range', '2-4'], env(dir)),
    ]);
    expect(reversed.code).toBe(2);
    expect(reversed.stderr).toMatch(/--range.*LO ≤ HI/);
    expect(garbled.code).toBe(2);
    expect(garbled.stderr).toMatch(/--range.*LO:HI:STEP/);
    expect(reversed.stdout).toBe('');
  });

  it('explains an empty log and an unknown --source', async () => {
    const empty = tempDataDir('rules-empty');
    const [none, emptyLake, source] = await Promise.all([
      runCli(['rules', 'precursors'], env(empty)),
      runCli(['rules', 'precursors', '--source', 'lake'], env(empty)),
      runCli(['rules', 'precursors', '--source', 'warehouse'], env(empty)),
    ]);
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(/no telemetry to replay.*lambda-iot simulate/);
    expect(emptyLake.code).toBe(1);
    expect(emptyLake.stderr).toMatch(/no telemetry to replay in lake local .*lambda-iot land --until-idle/);
    expect(source.code).toBe(2);
    expect(source.stderr).toMatch(/--source.*log, lake/);
    const log = await openLog(loadConfig(env(empty)));
    expect(await log.listTopics()).toEqual([]); // replaying created nothing
    await log.close();
  });
});
