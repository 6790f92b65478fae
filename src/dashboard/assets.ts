import fs from 'node:fs';
import path from 'node:path';
import { KitError } from '../errors.js';
import { findProjectRoot } from '../util/projectRoot.js';

/** A file the dashboard serves: its URL path, where it is on disk and its content type. */
export interface Asset {
  url: string;
  file: string;
  type: string;
}

const JS = 'text/javascript; charset=utf-8';

/**
 * The fixed allow-list of static files: the vega and vega-lite UMD builds (load order vega, vega-lite)
 * from the kit's node_modules, and the dashboard's own script and style. Nothing else is served.
 */
export function dashboardAssets(root: string = findProjectRoot()): Asset[] {
  const assets: Asset[] = [
    {
      url: '/vendor/vega.min.js',
      file: path.join(root, 'node_modules', 'vega', 'build', 'vega.min.js'),
      type: JS,
    },
    {
      url: '/vendor/vega-lite.min.js',
      file: path.join(root, 'node_modules', 'vega-lite', 'build', 'vega-lite.min.js'),
      type: JS,
    },
    { url: '/static/app.js', file: path.join(root, 'src', 'dashboard', 'static', 'app.js'), type: JS },
    {
      url: '/static/app.css',
      file: path.join(root, 'src', 'dashboard', 'static', 'app.css'),
      type: 'text/css; charset=utf-8',
    },
  ];
  for (const asset of assets) {
    if (!fs.existsSync(asset.file)) {
      throw new KitError(`dashboard: missing ${asset.file} (run npm install in the kit's folder)`);
    }
  }
  return assets;
}

/** The page shell: the scripts in order, then the app; `inline` inlines them (the static export). */
export function pageHtml(
  assets: readonly Asset[],
  options: { inline?: boolean; data?: unknown } = {},
): string {
  const byUrl = new Map(assets.map((a) => [a.url, a]));
  const script = (url: string) =>
    options.inline
      ? `<script>${escapeScript(fs.readFileSync(byUrl.get(url)!.file, 'utf8'))}</script>`
      : `<script src="${url}"></script>`;
  const style = options.inline
    ? `<style>${fs.readFileSync(byUrl.get('/static/app.css')!.file, 'utf8')}</style>`
    : '<link rel="stylesheet" href="/static/app.css">';
  const data =
    options.data === undefined
      ? ''
      : `<script>window.LAMBDA_IOT_EXPORT = ${escapeScript(JSON.stringify(options.data))};</script>`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>lambda-iot · operations dashboard</title>
<link rel="icon" href="data:,">
${style}
</head>
<body>
<header><h1>lambda-iot · operations</h1><nav id="filters"></nav></header>
<main id="panels"></main>
${script('/vendor/vega.min.js')}
${script('/vendor/vega-lite.min.js')}
${data}
${script('/static/app.js')}
</body>
</html>
`;
}

/** Keeps inlined text from closing its <script> element. */
function escapeScript(text: string): string {
  return text.replace(/<\/(script)/gi, '<\\/$1').replace(/<!--/g, '<\\!--');
}
