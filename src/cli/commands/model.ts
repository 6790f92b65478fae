import path from 'node:path';
import type { Command } from 'commander';
import { rangeProblem } from '../../batch/batchPlan.js';
import { trainOnLake } from '../../batch/failureModel.js';
import { duckLimits } from '../../duckdb/duckSession.js';
import { CliError } from '../../errors.js';
import { currentModel, type FailureModel, saveModel } from '../../model/artifact.js';
import { type Comparison, formatCalibration, formatComparisons } from '../../model/evaluate.js';
import { evaluateHeldOut } from '../../pipeline/heldOutPlants.js';
import { withStore } from '../context.js';
import { utcDate } from '../options.js';
import { printJson, say, writeOut } from '../output.js';

/** The validation days of the plant a model was trained on, as a comparison row. */
function validationOf(model: FailureModel): Pick<Comparison, 'label' | 'reference' | 'model'> {
  const v = model.validation;
  return { label: `training plant, validation ${v.from} … ${v.to}`, ...model.metrics.validation };
}

/** What `model show` prints: the model, its weights and how it did on its validation days. */
export function formatModel(model: FailureModel, source: string): string {
  const width = Math.max(...model.features.map((f) => f.length));
  const lines = [
    `model ${model.id} (${model.kind}, ${source}), created ${model.createdAt}`,
    `  horizon: a failure within ${model.horizonDays} days after the date`,
    `  trained on ${model.training.from} … ${model.training.to} (${model.training.rows} device-days, ${model.training.positives} followed by a failure), penalty λ ${model.lambda}`,
    `  validated on ${model.validation.from} … ${model.validation.to} (${model.validation.rows} device-days); embargo ${model.horizonDays} days between`,
    `  data: lake ${model.dataSnapshot.lakeFingerprint} (${model.dataSnapshot.rawFiles} raw files, ${model.dataSnapshot.from} … ${model.dataSnapshot.to})${model.dataSnapshot.simulated ? `, simulated seed ${model.dataSnapshot.simulated.seed}, ${model.dataSnapshot.simulated.devices} devices × ${model.dataSnapshot.simulated.days} days` : ''}`,
    `  P0 threshold: model_risk_score > ${model.threshold.toFixed(4)} (flags as many training device-days as failure_risk_score > 0.7)`,
    '',
    `  ${'feature'.padEnd(width)}  coefficient (per standard deviation)`,
    ...model.features.map((f, j) => `  ${f.padEnd(width)}  ${model.coefficients[j]!.toFixed(4).padStart(9)}`),
    `  ${'(intercept)'.padEnd(width)}  ${model.intercept.toFixed(4).padStart(9)}`,
    '',
    formatComparisons([validationOf(model)]),
  ];
  return `${lines.join('\n')}\n`;
}

export function registerModel(program: Command): void {
  const model = program
    .command('model')
    .description(
      'The failure model: a logistic regression over failure_features (sql/duckdb) that predicts a failure within 3 days, ' +
        'trained on this data directory’s lake and stored at models/<id>.json in the object store (models/current.json ' +
        'names the current one; without it the kit’s models/default.json scores).',
    );

  model
    .command('train')
    .summary('train on this lake’s labelled device-days and make the model current')
    .description(
      'Builds silver, gold_device_health, failure_features and failure_labels over every date of the lake, keeps the ' +
        'labelled device-days in [--from, --to], splits them in time (the newest quarter of the days validates; an ' +
        'embargo of 3 days keeps every training label window before the validation start), picks the penalty on the ' +
        'validation days and stores the model as models/<id>.json, now current. The next batch run scores with it.',
    )
    .option('--from <date>', 'first prediction date to learn from, YYYY-MM-DD', utcDate)
    .option('--to <date>', 'last prediction date to learn from, YYYY-MM-DD', utcDate)
    .option('--json', 'print the model as JSON')
    .addHelpText(
      'after',
      '\nExamples:\n  $ lambda-iot model train\n  $ lambda-iot model train --from 2025-04-01 --to 2025-04-20 --json',
    )
    .action(async (options: { from?: string; to?: string; json?: boolean }) => {
      const problem = rangeProblem(options);
      if (problem !== undefined) throw new CliError(`model train: ${problem}`, { exitCode: 2 });
      await withStore(async (store, config) => {
        const started = Date.now();
        const trained = await trainOnLake({
          store,
          dataDir: config.dataDir,
          from: options.from,
          to: options.to,
          vibrationThreshold: config.vibrationThreshold,
          limits: duckLimits(config),
          onStep: (step, detail) => say(`${step.padEnd(8)} ${detail}`),
        });
        const key = await saveModel(store, trained);
        say(`saved    ${key} (current) in ${((Date.now() - started) / 1000).toFixed(1)} s`);
        if (options.json) return printJson({ key, model: trained });
        return writeOut(formatModel(trained, `stored at ${key}`));
      });
    });

  model
    .command('evaluate')
    .summary('the reference score and the model side by side, on its validation days and on held-out plants')
    .description(
      'Measures the current model (else the kit’s default) and gold_failure_predictions.failure_risk_score on the same ' +
        'device-days: ROC AUC, PR AUC, precision@3 per day, Brier score, and calibration bins. On the validation days of the ' +
        'plant it was trained on, and on simulated plants it never saw (seeds 202 and 303, 50 devices × 30 days, written ' +
        'under <data dir>/model/ once and reused).',
    )
    .option('--json', 'print the comparisons as JSON')
    .addHelpText('after', '\nExamples:\n  $ lambda-iot model evaluate\n  $ lambda-iot model evaluate --json')
    .action(async (options: { json?: boolean }) => {
      await withStore(async (store, config) => {
        const choice = await currentModel(store);
        say(`model    ${choice.model.id} (${choice.source}, ${choice.from})`);
        const started = Date.now();
        const heldOut = await evaluateHeldOut({
          model: choice.model,
          dir: path.join(config.dataDir, 'model'),
          onStep: (step, detail) => say(`${step.padEnd(8)} ${detail}`),
        });
        say(`done     in ${((Date.now() - started) / 1000).toFixed(1)} s`);
        const all = [validationOf(choice.model), ...heldOut];
        if (options.json)
          return printJson({
            model: choice.model.id,
            source: choice.source,
            comparisons: all.map(({ label, reference, model: m }) => ({ label, reference, model: m })),
          });
        return writeOut(
          `model ${choice.model.id} (${choice.source})\n\n${formatComparisons(all)}\n\n${heldOut
            .map(formatCalibration)
            .join('\n\n')}\n`,
        );
      });
    });

  model
    .command('show')
    .summary('the model that scores this lake: weights, threshold, training range, validation figures')
    .option('--json', 'print the model artifact as JSON')
    .addHelpText('after', '\nExamples:\n  $ lambda-iot model show\n  $ lambda-iot model show --json')
    .action(async (options: { json?: boolean }) => {
      await withStore(async (store) => {
        const choice = await currentModel(store);
        if (options.json) return printJson({ source: choice.source, from: choice.from, model: choice.model });
        return writeOut(formatModel(choice.model, `${choice.source}, ${choice.from}`));
      }, 'read');
    });
}
