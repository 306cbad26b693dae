// Chart and file-map colours that contrast with the editor background in every
// theme. The theme's --vscode-charts-* colours do not always (Dark Modern's
// orange is dark brown on dark grey), so the panel picks one of two palettes
// by the background's luminance, each checked to keep a WCAG contrast of at
// least 3:1 (the level for graphics) against any background of its kind.
// Pure: the unit tests import it.

export type SeriesColor = 'blue' | 'orange' | 'green' | 'purple' | 'red' | 'yellow' | 'teal';

/** For light backgrounds (relative luminance 0.7 and above): dark, saturated colours. */
const LIGHT: Readonly<Record<SeriesColor, string>> = {
  blue: '#0b5cad', orange: '#b04a00', green: '#1d6f2b', purple: '#7a3db8', red: '#b3261e', yellow: '#7d6000', teal: '#006b6b',
};
/** For dark backgrounds (relative luminance 0.05 and below): light, saturated colours. */
const DARK: Readonly<Record<SeriesColor, string>> = {
  blue: '#6cb6ff', orange: '#ffa657', green: '#56d364', purple: '#d2a8ff', red: '#ff7b72', yellow: '#e3c341', teal: '#4fd1c5',
};

/** "#rgb", "#rrggbb", "#rrggbbaa", "rgb(r, g, b)", "rgba(r, g, b, a)" -> [r, g, b]; undefined otherwise. */
export function parseColor(css: string): [number, number, number] | undefined {
  const t = css.trim().toLowerCase();
  let m = /^#([0-9a-f]{3})$/.exec(t);
  if (m) return [0, 1, 2].map((i) => parseInt(m![1][i] + m![1][i], 16)) as [number, number, number];
  m = /^#([0-9a-f]{6})(?:[0-9a-f]{2})?$/.exec(t);
  if (m) return [0, 2, 4].map((i) => parseInt(m![1].slice(i, i + 2), 16)) as [number, number, number];
  m = /^rgba?\(\s*(\d+)\s*,\s*(\d+)\s*,\s*(\d+)/.exec(t);
  if (m) return [Number(m[1]), Number(m[2]), Number(m[3])];
  return undefined;
}

/** WCAG 2 relative luminance of an sRGB colour. */
export function relativeLuminance([r, g, b]: readonly [number, number, number]): number {
  const lin = (c: number) => {
    const s = c / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
}

export function contrastRatio(a: readonly [number, number, number], b: readonly [number, number, number]): number {
  const [x, y] = [relativeLuminance(a), relativeLuminance(b)].sort((p, q) => q - p);
  return (x + 0.05) / (y + 0.05);
}

/** The palette for a background colour (CSS text); an unreadable background counts as dark. */
export function paletteFor(background: string): Readonly<Record<SeriesColor, string>> {
  const bg = parseColor(background);
  if (!bg) return DARK;
  // The two palettes meet where each has the same contrast with the background.
  return relativeLuminance(bg) > 0.18 ? LIGHT : DARK;
}
