import { describe, expect, it } from 'vitest';
import { chartCalibration, chartRiskHeatmap, chartRocCurve, fittedDomain } from '../../src/viz/chartGold.js';
import { renderSvg } from '../../src/viz/render.js';

interface Layer {
  data: { values: unknown[] };
  mark: { type: string; color?: string; strokeWidth?: number };
  encoding: Record<string, { axis?: { title?: string }; scale?: { domain?: unknown } }>;
}

const health = [
  { device_id: 'device_2', date: '2025-04-01', min_health_score: 0.31 },
  { device_id: 'device_2', date: '2025-04-02', min_health_score: 0.52 },
  { device_id: 'device_10', date: '2025-04-01', min_health_score: 0.44 },
  { device_id: 'device_10', date: '2025-04-02', min_health_score: 0.58 },
];

describe('chartRiskHeatmap', () => {
  it('fits the colour domain to the data, titles its axes after the date column, and marks failures on a halo', async () => {
    const spec = chartRiskHeatmap({
      predictions: health,
      dateField: 'date',
      valueField: 'min_health_score',
      lowIsBad: true,
      failures: [{ device_id: 'device_2', date: '2025-04-01' }],
      note: 'The health score drops on the failure day.',
    }) as unknown as { layer: Layer[]; title: { subtitle: string[] } };
    const [cells, halo, cross] = spec.layer as [Layer, Layer, Layer];
    expect(cells.encoding.color!.scale!.domain).toEqual([0.31, 0.58]);
    expect(cells.encoding.x!.axis!.title).toBe('date (UTC)');
    expect(cells.encoding.y!.axis!.title).toBe('device');
    // the × is drawn twice: a wide white stroke under a dark one, so it shows on pale and on dark cells
    expect([halo.mark.color, cross.mark.color]).toEqual(['white', '#111111']);
    expect(halo.mark.strokeWidth!).toBeGreaterThan(cross.mark.strokeWidth!);
    expect(halo.data.values).toEqual([{ device: 'device_2', day: '2025-04-01' }]);
    expect(cross.data.values).toEqual(halo.data.values);
    expect(spec.title.subtitle[0]).toContain('from 0.31 (dark) to 0.58 (pale)');
    expect(spec.title.subtitle[1]).toBe('The health score drops on the failure day.');
    const svg = await renderSvg(spec as never);
    expect(svg).toContain('date (UTC)');
    expect(svg).toContain('The health score drops on the failure day.');
  });

  it('titles the default x axis "prediction date (UTC)"', () => {
    const spec = chartRiskHeatmap({
      predictions: [{ device_id: 'device_1', prediction_date: '2025-04-01', failure_risk_score: 0.7 }],
    }) as unknown as { layer: Layer[] };
    expect(spec.layer[0]!.encoding.x!.axis!.title).toBe('prediction date (UTC)');
  });
});

describe('fittedDomain', () => {
  it('is the range of the finite values, at least 0.05 wide, and 0–1 without values', () => {
    expect(fittedDomain([0.9, 0.46, 1, Number.NaN])).toEqual([0.46, 1]);
    expect(fittedDomain([0.5, 0.5])).toEqual([0.475, 0.525]);
    expect(fittedDomain([])).toEqual([0, 1]);
  });
});

describe('chartRocCurve', () => {
  it("draws the points in the curve's own order, so equal false-positive rates do not zigzag", () => {
    const roc = [
      { fpr: 0, tpr: 0, threshold: Number.POSITIVE_INFINITY },
      { fpr: 1, tpr: 0.97, threshold: 0.5 },
      { fpr: 1, tpr: 1, threshold: 0.4 },
    ];
    const spec = chartRocCurve({
      roc,
      rocAuc: 0.6,
      horizonDays: 3,
      predictions: 10,
      positives: 3,
    }) as unknown as {
      layer: {
        data: { values: { step?: number; threshold: number | null }[] };
        encoding: { order?: unknown };
      }[];
    };
    const curve = spec.layer[1]!;
    expect(curve.encoding.order).toEqual({ field: 'step', type: 'quantitative' });
    expect(curve.data.values.map((v) => [v.step, v.threshold])).toEqual([
      [0, null],
      [1, 0.5],
      [2, 0.4],
    ]);
  });
});

describe('the failure model beside the reference score', () => {
  const roc = [
    { fpr: 0, tpr: 0, threshold: Number.POSITIVE_INFINITY },
    { fpr: 0.5, tpr: 0.5, threshold: 0.5 },
    { fpr: 1, tpr: 1, threshold: 0.1 },
  ];
  it('chartRocCurve draws both curves and names both AUCs when the predictions carry the model score', async () => {
    const quality = { roc, rocAuc: 0.5, horizonDays: 3, predictions: 4, positives: 2 };
    const both = chartRocCurve({ ...quality, model: { rocAuc: 0.9, roc } }) as unknown as {
      layer: unknown[];
    };
    expect(both.layer).toHaveLength(3);
    expect((chartRocCurve(quality) as unknown as { layer: unknown[] }).layer).toHaveLength(2);
    const svg = await renderSvg(chartRocCurve({ ...quality, model: { rocAuc: 0.9, roc } }));
    expect(svg).toContain('model_risk_score (blue) AUC 0.90');
  });

  it('chartCalibration plots mean score against observed share for both scores', async () => {
    const spec = chartCalibration({
      horizonDays: 3,
      calibration: [{ meanScore: 0.55, observed: 0.3, rows: 10 }],
      model: { calibration: [{ meanScore: 0.25, observed: 0.3, rows: 10 }] },
    }) as unknown as { layer: { data: { values: { score?: string }[] } }[] };
    expect(spec.layer[1]!.data.values.map((v) => v.score)).toEqual([
      'failure_risk_score (reference)',
      'model_risk_score (model)',
    ]);
    expect(await renderSvg(spec as never)).toContain('observed failure share');
  });
});
