/** The name of every panel's main dataset (the browser reads `view.data(PANEL_DATA)`). */
export const PANEL_DATA = 'table';

/** A panel's rows as the serving layer returns them (dates "YYYY-MM-DD", timestamps ISO with Z). */
export type PanelRows = readonly Record<string, unknown>[];

export interface PanelSize {
  width?: number;
  height?: number;
}

/** The frame every panel shares: its title, size and main dataset (inline rows named PANEL_DATA). */
export function panelFrame(
  title: string,
  subtitle: string,
  rows: PanelRows,
  size: PanelSize = {},
): Record<string, unknown> {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: { text: title, subtitle, anchor: 'start' },
    data: { name: PANEL_DATA, values: rows as Record<string, unknown>[] },
    width: size.width ?? 420,
    height: size.height ?? 200,
  };
}

/** A UTC date axis: labels are the row's UTC date, whatever the viewer's time zone. */
export const UTC_DATE_AXIS = { format: '%Y-%m-%d', labelAngle: -30 } as const;

/** Severity order and colours, shared by the anomaly panels. */
export const SEVERITIES = ['critical', 'high', 'medium', 'low'] as const;
export const SEVERITY_SCALE = {
  domain: [...SEVERITIES],
  range: ['#b2182b', '#ef8a62', '#fddbc7', '#d1e5f0'],
};

/** Priority order and colours (P0 most urgent). */
export const PRIORITY_SCALE = {
  domain: ['P0', 'P1', 'P2', 'P3'],
  range: ['#b2182b', '#ef8a62', '#67a9cf', '#bdbdbd'],
};
