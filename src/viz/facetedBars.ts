import type { ChartSpec } from './render.js';

export interface FacetedBarsOptions {
  values: Record<string, unknown>[];
  /** One panel per value of this field, each with its own scales. */
  facetField: string;
  /** The bars' categories (one bar each) and their axis title. */
  yField: string;
  yTitle: string;
  yType?: 'nominal' | 'ordinal';
  /** The bars' length and its axis title. */
  xField: string;
  xTitle: string;
  /** A text field printed at the end of each bar (default: the length, formatted as an integer). */
  labelField?: string;
  color?: string;
  tooltip?: { field: string; type: 'quantitative' | 'ordinal' | 'nominal'; format?: string }[];
  title: string;
  subtitle: string;
  width?: number;
}

/**
 * Horizontal bars with a label at their end, one panel per facet value (independent scales), integer ticks:
 * the shape of "messages per partition" and "rows per date partition".
 * @example facetedBars({ values, facetField: 'topic', yField: 'partition', yTitle: 'partition', xField: 'messages', xTitle: 'messages', title: 'Messages per partition', subtitle: '…' })
 */
export function facetedBars(o: FacetedBarsOptions): ChartSpec {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: { text: o.title, subtitle: o.subtitle, anchor: 'start' },
    data: { values: o.values },
    facet: {
      row: {
        field: o.facetField,
        type: 'nominal',
        title: null,
        header: {
          labelAngle: 0,
          labelOrient: 'top',
          labelAnchor: 'start',
          labelFontSize: 12,
          labelFontWeight: 'bold',
        },
      },
    },
    spec: {
      width: o.width ?? 560,
      height: { step: 16 },
      encoding: {
        y: { field: o.yField, type: o.yType ?? 'nominal', title: o.yTitle },
        x: { field: o.xField, type: 'quantitative', title: o.xTitle, axis: { format: ',d' } },
        ...(o.tooltip ? { tooltip: o.tooltip } : {}),
      },
      layer: [
        { mark: { type: 'bar', color: o.color ?? '#4c78a8' } },
        {
          mark: { type: 'text', align: 'left', dx: 3, fontSize: 10, color: '#444' },
          encoding: {
            text: o.labelField
              ? { field: o.labelField, type: 'nominal' }
              : { field: o.xField, type: 'quantitative', format: ',d' },
          },
        },
      ],
    },
    resolve: { scale: { x: 'independent', y: 'independent' } },
    spacing: 16,
    // Counts: no tick between two integers. (vega-lite 5.23 drops `tickMinStep` given on the axis itself,
    // and a ',d' format would print 0, 1, 1, 2, 2 for the ticks 0, 0.5, 1, 1.5, 2; the config reaches Vega.)
    config: { axisQuantitative: { tickMinStep: 1 } },
  };
}
