import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.js';
import {
  CURRENT_KEY,
  checkModel,
  currentModel,
  type FailureModel,
  modelId,
  readDefaultModel,
  saveModel,
  scoringSql,
} from '../../src/model/artifact.js';
import { openObjectStore } from '../../src/store/openObjectStore.js';
import { tempDataDir } from '../support/cli.js';

const fixture = checkModel(
  JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'batch', 'fixtureModel.json'), 'utf8')),
  'fixture',
);

describe('failure model artifacts', () => {
  it('are named by their content: the same model has the same id whenever it was made', () => {
    expect(modelId(fixture)).toBe(fixture.id);
    expect(modelId({ ...fixture, createdAt: '2030-01-01T00:00:00.000Z' })).toBe(fixture.id);
    expect(modelId({ ...fixture, threshold: 0.7 })).not.toBe(fixture.id);
    const shipped = readDefaultModel();
    expect(modelId(shipped)).toBe(shipped.id);
  });

  it('live at models/<id>.json in the store; models/current.json names the current one, else the default scores', async () => {
    const store = await openObjectStore(loadConfig({ LAMBDA_IOT_DATA_DIR: tempDataDir('artifacts') }));
    try {
      expect((await currentModel(store)).source).toBe('default');
      const fixtureFile = path.join(__dirname, '..', 'batch', 'fixtureModel.json');
      expect((await currentModel(store, fixtureFile)).model.id).toBe(fixture.id);
      const key = await saveModel(store, fixture);
      expect(key).toBe(`models/${fixture.id}.json`);
      expect(JSON.parse(new TextDecoder().decode(await store.get(CURRENT_KEY)))).toEqual({
        id: fixture.id,
        key,
      });
      expect(await currentModel(store)).toEqual({ model: fixture, source: 'current', from: key });
      const other = { ...fixture, intercept: 0 };
      const otherModel: FailureModel = { ...other, id: modelId(other) };
      await saveModel(store, otherModel, false);
      expect((await currentModel(store)).model.id).toBe(fixture.id);
    } finally {
      await store.close();
    }
  });

  it('are checked before their numbers and names reach SQL', () => {
    expect(() => checkModel({ ...fixture, coefficients: [1, Number.NaN] }, 'x')).toThrow(
      /coefficients must be 2 finite/,
    );
    expect(() => checkModel({ ...fixture, coefficients: [1] }, 'x')).toThrow(/coefficients must be 2 finite/);
    expect(() => checkModel({ ...fixture, features: ['max_temp', 'x"; DROP TABLE t; --'] }, 'x')).toThrow(
      /features must be column names/,
    );
    expect(() => checkModel({ ...fixture, id: 'abc' }, 'x')).toThrow(/no 16-hex id/);
    const sql = scoringSql(fixture);
    expect(sql).toContain('+ 0.5::DOUBLE * (f."max_temp" - 25::DOUBLE) / 1::DOUBLE');
    expect(sql).toContain('CAST($model_id AS VARCHAR) AS model_id');
  });
});
