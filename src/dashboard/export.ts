import fs from 'node:fs';
import path from 'node:path';
import type { Serving } from '../serving/port.js';
import { renderPng } from '../viz/render.js';
import { dashboardAssets, pageHtml } from './assets.js';
import { type Filters, newestEventTime, PANELS, type PanelData, resolveRange, runPanel } from './panels.js';

export interface ExportResult {
  html: string;
  pngs: string[];
  panels: { name: string; rows: number }[];
}

/**
 * Writes the static export: one self-contained HTML file (vega, vega-lite, the app and every main panel's
 * rows inlined; each panel's SQL bounds its rows) that opens from file:// with no network, and with `png`
 * one PNG per panel rendered by vega → SVG → resvg (no browser).
 * @example const out = await exportDashboard(serving, 'data/dashboard', parseFilters({ range: '7d' }));
 */
export async function exportDashboard(
  serving: Serving,
  dir: string,
  filters: Filters,
  options: { png?: boolean } = {},
): Promise<ExportResult> {
  fs.mkdirSync(dir, { recursive: true });
  const range = resolveRange(filters, await newestEventTime(serving));
  const panels: PanelData[] = [];
  for (const panel of PANELS.filter((p) => p.page === 'main')) {
    panels.push(await runPanel(serving, panel.name, filters, range));
  }
  const html = path.join(dir, 'dashboard.html');
  const data = { state: filters, range, made: new Date().toISOString(), panels };
  fs.writeFileSync(html, pageHtml(dashboardAssets(), { inline: true, data }));
  const pngs: string[] = [];
  if (options.png) {
    for (const panel of panels) {
      const file = path.join(dir, `${panel.name}.png`);
      fs.writeFileSync(file, await renderPng(panel.spec));
      pngs.push(file);
    }
  }
  return { html, pngs, panels: panels.map((p) => ({ name: p.name, rows: p.rows.length })) };
}
