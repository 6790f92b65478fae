import { describe, expect, it } from 'vitest';
import { writeSimulatedLake } from '../../src/pipeline/simulatedLake.js';
import { runCli, tempDataDir } from '../support/cli.js';

describe('lambda-iot model', () => {
  it('show: without a model of its own a lake is scored by the kit’s default model', async () => {
    const env = { LAMBDA_IOT_DATA_DIR: tempDataDir('model-show') };
    const text = await runCli(['model', 'show'], env);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(
      /^model [0-9a-f]{16} \(logistic-regression, default, .*models\/default\.json\)/,
    );
    expect(text.stdout).toMatch(/P0 threshold: model_risk_score > 0\.\d{4}/);
    const json = await runCli(['model', 'show', '--json'], env);
    expect(JSON.parse(json.stdout)).toMatchObject({
      source: 'default',
      model: { kind: 'logistic-regression' },
    });
  });

  it('train: a clear error without a lake, and without labelled days in the range', async () => {
    const empty = await runCli(['model', 'train'], { LAMBDA_IOT_DATA_DIR: tempDataDir('model-empty') });
    expect(empty.code).toBe(1);
    expect(empty.stderr).toMatch(/model data: no telemetry in the lake .*; simulate and land a plant first/);
    const dir = tempDataDir('model-train');
    await writeSimulatedLake({ dir, devices: 12, days: 24, seed: 5, cadenceMs: 5 * 60_000 });
    const late = await runCli(['model', 'train', '--from', '2025-04-23'], { LAMBDA_IOT_DATA_DIR: dir });
    expect(late.code).toBe(1);
    expect(late.stderr).toMatch(/model train: no labelled device-days in 2025-04-23 … …/);
    const backwards = await runCli(['model', 'train', '--from', '2025-04-10', '--to', '2025-04-01'], {
      LAMBDA_IOT_DATA_DIR: dir,
    });
    expect(backwards.code).toBe(2);
  }, 120_000);

  it('train stores models/<id>.json, makes it current, and show then shows it', async () => {
    const dir = tempDataDir('model-train');
    await writeSimulatedLake({ dir, devices: 12, days: 24, seed: 5, cadenceMs: 5 * 60_000 });
    const env = { LAMBDA_IOT_DATA_DIR: dir };
    const trained = await runCli(['model', 'train', '--json'], env);
    expect(trained.code, trained.stderr).toBe(0);
    // Progress on stderr, the model on stdout.
    expect(trained.stderr).toMatch(/^model +failure_features$/m);
    expect(trained.stderr).toMatch(/^saved +models\/[0-9a-f]{16}\.json \(current\)/m);
    const { key, model } = JSON.parse(trained.stdout) as {
      key: string;
      model: { id: string; training: { to: string } };
    };
    expect(key).toBe(`models/${model.id}.json`);
    // Training rows end H days before the validation start (embargo).
    expect(model.training.to < '2025-04-24').toBe(true);
    const shown = await runCli(['model', 'show', '--json'], env);
    expect(JSON.parse(shown.stdout)).toMatchObject({ source: 'current', from: key, model: { id: model.id } });
  }, 120_000);
});
