/**
 * `npm run model:default`: trains the kit's default failure model on a simulated plant (seed 101, 60 devices ×
 * 45 days, one reading a minute; the penalty chosen on its validation days) and writes it to
 * models/default.json. test/model/defaultModel.test.ts retrains it and expects the same model.
 * The plant's lake is kept under data/model/default-plant/ (reused when it matches).
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { formatComparisons } from '../src/model/evaluate.js';
import { DEFAULT_MODEL_PLANT, trainOnSimulatedPlant } from '../src/pipeline/heldOutPlants.js';
import { findProjectRoot } from '../src/util/projectRoot.js';

const root = findProjectRoot();
const started = Date.now();
const model = await trainOnSimulatedPlant({
  dir: path.resolve(process.env.LAMBDA_IOT_DATA_DIR ?? path.join(root, 'data'), 'model', 'default-plant'),
  onStep: (step, detail) => process.stderr.write(`${step.padEnd(8)} ${detail}\n`),
});
const file = path.join(root, 'models', 'default.json');
fs.mkdirSync(path.dirname(file), { recursive: true });
fs.writeFileSync(file, `${JSON.stringify(model, null, 2)}\n`);
// In the repository's JSON style (Biome), so `npm run lint` passes on the regenerated file.
spawnSync(path.join(root, 'node_modules', '.bin', 'biome'), ['format', '--write', file], { stdio: 'ignore' });
process.stderr.write(
  `wrote ${path.relative(root, file)}: model ${model.id}, seed ${DEFAULT_MODEL_PLANT.seed}, in ${((Date.now() - started) / 1000).toFixed(1)} s\n`,
);
process.stdout.write(
  `${formatComparisons([{ label: 'seed 101 validation', ...model.metrics.validation }])}\n`,
);
