import { describe, expect, it } from 'vitest';
import { rocAuc, rocCurve } from '../../src/batch/quality.js';
import { chartRiskHeatmap, chartRocCurve } from '../../src/viz/chartGold.js';
import { renderSvg } from '../../src/viz/render.js';

const rows = (pairs: [number, boolean][]) => pairs.map(([score, label]) => ({ score, label }));

describe('prediction quality', () => {
  it('ROC AUC: 1 for a perfect ranking, 0 for an inverted one, 0.5 for ties, and the rank-sum value otherwise', () => {
    expect(
      rocAuc(
        rows([
          [0.9, true],
          [0.8, true],
          [0.2, false],
          [0.1, false],
        ]),
      ),
    ).toBe(1);
    expect(
      rocAuc(
        rows([
          [0.1, true],
          [0.9, false],
        ]),
      ),
    ).toBe(0);
    expect(
      rocAuc(
        rows([
          [0.5, true],
          [0.5, false],
          [0.5, false],
        ]),
      ),
    ).toBe(0.5);
    // positives 0.8, 0.4; negatives 0.6, 0.2: pairs won 3 of 4
    expect(
      rocAuc(
        rows([
          [0.8, true],
          [0.4, true],
          [0.6, false],
          [0.2, false],
        ]),
      ),
    ).toBe(0.75);
    expect(rocAuc(rows([[0.8, true]]))).toBeNull();
  });

  it('ROC curve runs from (0, 0) to (1, 1), one point per distinct score', () => {
    const curve = rocCurve(
      rows([
        [0.8, true],
        [0.4, true],
        [0.6, false],
        [0.2, false],
      ]),
    );
    expect(curve.map((p) => [p.fpr, p.tpr])).toEqual([
      [0, 0],
      [0, 0.5],
      [0.5, 0.5],
      [0.5, 1],
      [1, 1],
    ]);
  });

  it('draws the risk heat map and the ROC curve', async () => {
    const heat = await renderSvg(
      chartRiskHeatmap({
        predictions: [
          { device_id: 'device_2', prediction_date: '2025-04-01', failure_risk_score: 0.2 },
          { device_id: 'device_10', prediction_date: '2025-04-02', failure_risk_score: 0.9 },
        ],
        failures: [{ device_id: 'device_10', date: '2025-04-02' }],
      }),
    );
    expect(heat).toContain('failure_risk_score per device and day');
    expect(heat).toContain('device_10');
    const curve = rocCurve(
      rows([
        [0.8, true],
        [0.4, true],
        [0.6, false],
        [0.2, false],
      ]),
    );
    const roc = await renderSvg(
      chartRocCurve({ roc: curve, rocAuc: 0.75, horizonDays: 3, predictions: 4, positives: 2 }),
    );
    expect(roc).toContain('ROC AUC 0.75');
    expect(roc).toContain('false-positive rate');
  });
});
