/**
 * Lines a printer's code pages cannot print (the ₹ sign, Hindi) drawn as 1-bit images with the
 * UI's own fonts (@fontsource Noto Sans and Noto Sans Devanagari) on a Skia canvas, so the paper
 * shows the same glyphs as the screen. The text is shaped by Skia (conjuncts and matras of
 * Devanagari need shaping; a per-character bitmap font would print them wrong).
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { createCanvas, GlobalFonts } from '@napi-rs/canvas';

/** Font families registered under our own names: the same files the renderer's CSS loads. */
const FONT_FILES: [family: string, pkg: string, file: string][] = [
  ['PG Noto Sans', '@fontsource/noto-sans', 'noto-sans-latin-400-normal.woff2'],
  ['PG Noto Sans Bold', '@fontsource/noto-sans', 'noto-sans-latin-700-normal.woff2'],
  ['PG Noto Sans Ext', '@fontsource/noto-sans', 'noto-sans-latin-ext-400-normal.woff2'],
  ['PG Noto Deva', '@fontsource/noto-sans-devanagari', 'noto-sans-devanagari-devanagari-400-normal.woff2'],
  ['PG Noto Deva Bold', '@fontsource/noto-sans-devanagari', 'noto-sans-devanagari-devanagari-700-normal.woff2'],
];

let registered = false;

/** Where a fontsource file is on disk (resolved from its package, wherever node_modules is). */
export function fontFile(pkg: string, file: string): string {
  const require = createRequire(import.meta.url);
  // In a packaged app the fonts are unpacked beside the asar (electron-builder.yml asarUnpack).
  return join(dirname(require.resolve(`${pkg}/package.json`)), 'files', file).replace(/app\.asar([\\/])/, 'app.asar.unpacked$1');
}

export function registerPrintFonts(): void {
  if (registered) return;
  for (const [family, pkg, file] of FONT_FILES) {
    if (!GlobalFonts.registerFromPath(fontFile(pkg, file), family)) throw new Error(`cannot load the print font ${file}`);
  }
  registered = true;
}

/** The CSS font shorthand the raster lines use (Latin first, Devanagari and ₹ by fallback). */
export function printFont(px: number, bold: boolean): string {
  return bold
    ? `${px}px "PG Noto Sans Bold", "PG Noto Deva Bold", "PG Noto Sans Ext"`
    : `${px}px "PG Noto Sans", "PG Noto Deva", "PG Noto Sans Ext"`;
}

export interface RasterLine {
  width: number;
  height: number;
  /** RGBA, as canvas ImageData (the encoder's image() input). */
  data: Uint8ClampedArray;
}

export interface RasterTextOptions {
  /** Printable width in dots (58 mm: 384, 80 mm: 576). */
  width: number;
  px: number;
  bold?: boolean;
  align?: 'left' | 'center' | 'right';
  /** A second text drawn right-aligned on the same line (label + value). */
  right?: string;
}

/** Height of a raster line for a font size, a multiple of 8 (ESC/POS raster bands are 8 dots). */
export function lineHeight(px: number): number {
  return Math.ceil((px * 1.5) / 8) * 8;
}

export function rasterText(value: string, o: RasterTextOptions): RasterLine {
  registerPrintFonts();
  const height = lineHeight(o.px);
  const canvas = createCanvas(o.width, height);
  const g = canvas.getContext('2d');
  g.fillStyle = '#fff';
  g.fillRect(0, 0, o.width, height);
  g.fillStyle = '#000';
  g.font = printFont(o.px, o.bold ?? false);
  g.textBaseline = 'alphabetic';
  const baseline = Math.round(height * 0.7);
  const align = o.align ?? 'left';
  const margin = 4;
  const x = align === 'center' ? o.width / 2 : align === 'right' ? o.width - margin : margin;
  g.textAlign = align;
  g.fillText(value, x, baseline);
  if (o.right !== undefined) {
    g.textAlign = 'right';
    g.fillText(o.right, o.width - margin, baseline);
  }
  const image = g.getImageData(0, 0, o.width, height);
  // Thermal heads print dots, not greys: a fixed threshold keeps strokes crisp.
  const data = image.data;
  for (let i = 0; i < data.length; i += 4) {
    const dark = data[i]! * 0.299 + data[i + 1]! * 0.587 + data[i + 2]! * 0.114 < 160;
    const v = dark ? 0 : 255;
    data[i] = v;
    data[i + 1] = v;
    data[i + 2] = v;
    data[i + 3] = 255;
  }
  return { width: o.width, height, data };
}
