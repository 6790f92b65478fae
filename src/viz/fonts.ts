import fs from 'node:fs';

/** Font options for resvg, which draws no text without a font it can load. */
export interface PngFonts {
  fontFiles: string[];
  loadSystemFonts: boolean;
  defaultFontFamily: string;
  sansSerifFamily: string;
}

/** Where Debian/Ubuntu (fonts-dejavu-core), Fedora and Homebrew put DejaVu Sans. */
const DEJAVU_CANDIDATES = [
  '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf',
  '/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf',
  '/usr/share/fonts/dejavu-sans-fonts/DejaVuSans.ttf',
  '/usr/share/fonts/dejavu-sans-fonts/DejaVuSans-Bold.ttf',
  '/usr/share/fonts/TTF/DejaVuSans.ttf',
  '/usr/share/fonts/TTF/DejaVuSans-Bold.ttf',
  '/opt/homebrew/share/fonts/DejaVuSans.ttf',
];

let cached: PngFonts | undefined;

/**
 * The fonts PNG rendering uses: DejaVu Sans where installed (Debian package fonts-dejavu-core), plus the
 * system fonts; charts ask for the generic "sans-serif", which resolves to DejaVu Sans, else to the
 * platform's usual sans-serif font.
 * @example findPngFonts().fontFiles; // ['/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf', …]
 */
export function findPngFonts(): PngFonts {
  if (cached) return cached;
  const fontFiles = DEJAVU_CANDIDATES.filter((file) => fs.existsSync(file));
  const fallback = process.platform === 'darwin' ? 'Helvetica' : 'Arial';
  const family = fontFiles.length > 0 ? 'DejaVu Sans' : fallback;
  cached = { fontFiles, loadSystemFonts: true, defaultFontFamily: family, sansSerifFamily: family };
  return cached;
}
