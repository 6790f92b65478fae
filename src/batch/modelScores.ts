import type { DuckSession } from '../duckdb/duckSession.js';
import { type ModelChoice, scoringSql } from '../model/artifact.js';

/**
 * Builds the session table `failure_model_scores` (device_id, prediction_date, model_risk_score, model_id)
 * from failure_features with the model's formula (scoringSql), for gold_failure_predictions to join.
 * Returns its row count.
 */
export async function buildModelScores(duck: DuckSession, choice: ModelChoice): Promise<number> {
  await duck.run(`CREATE OR REPLACE TEMP TABLE failure_model_scores AS ${scoringSql(choice.model)}`, {
    model_id: choice.model.id,
  });
  const [row] = await duck.rows<{ n: number }>('SELECT count(*) AS n FROM failure_model_scores');
  return row!.n;
}

/**
 * An empty failure_model_scores, for sessions that build gold_failure_predictions without scoring it (the
 * failure model's own training data: its features, labels and the reference score); model_risk_score null.
 */
export async function buildNoModelScores(duck: DuckSession): Promise<void> {
  await duck.run(
    'CREATE OR REPLACE TEMP TABLE failure_model_scores (device_id VARCHAR, prediction_date DATE, model_risk_score DOUBLE, model_id VARCHAR)',
  );
}
