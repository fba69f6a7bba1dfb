/**
 * Draws what the parser found onto a paper-wide canvas, the way a thermal head would: Font A
 * text in 12 x 24 dot cells (Font B 9 x 17) scaled by GS !, GS v 0 rasters dot for dot, and
 * GS ( k QR codes drawn from the stored data with the qrcode library at the commanded module
 * size. The result is a PNG of the receipt (saved by the simulator, decoded by the tests).
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { createCanvas, GlobalFonts, type Canvas } from '@napi-rs/canvas';
import QRCode from 'qrcode';
import type { PaperItem } from './escpos-parser.js';

let fontReady = false;
function simFont(): string {
  if (!fontReady) {
    const require = createRequire(import.meta.url);
    const dir = join(dirname(require.resolve('@fontsource/noto-sans/package.json')), 'files');
    GlobalFonts.registerFromPath(join(dir, 'noto-sans-latin-400-normal.woff2'), 'Sim Sans');
    GlobalFonts.registerFromPath(join(dir, 'noto-sans-latin-700-normal.woff2'), 'Sim Sans Bold');
    fontReady = true;
  }
  return 'Sim Sans';
}

export interface PaperImage {
  width: number;
  height: number;
  /** 1 = black, row-major, width * height. */
  bits: Uint8Array;
  canvas: Canvas;
}

function qrModules(data: string, ec: 'L' | 'M' | 'Q' | 'H'): { size: number; get(r: number, c: number): boolean } {
  const qr = QRCode.create(data, { errorCorrectionLevel: ec });
  return { size: qr.modules.size, get: (r, c) => Boolean(qr.modules.get(r, c)) };
}

/** Renders items (one receipt, up to and including its cut) onto paper `dots` wide. */
export function renderPaper(items: PaperItem[], dots: number): PaperImage {
  const family = simFont();
  // First pass: heights, so the canvas is made once.
  const heightOf = (it: PaperItem): number => {
    if (it.kind === 'text') return (it.font === 'B' ? 17 : 24) * it.heightMul + 6;
    if (it.kind === 'raster') return it.height;
    if (it.kind === 'qr') return (qrModules(it.data, it.ecLevel).size + 8) * it.moduleSize;
    return 24;
  };
  const height = Math.max(24, items.reduce((h, it) => h + heightOf(it), 0));
  const canvas = createCanvas(dots, height);
  const g = canvas.getContext('2d');
  g.fillStyle = '#fff';
  g.fillRect(0, 0, dots, height);
  g.fillStyle = '#000';
  let y = 0;
  for (const it of items) {
    const h = heightOf(it);
    if (it.kind === 'text') {
      const cellW = (it.font === 'B' ? 9 : 12) * it.widthMul;
      const cellH = (it.font === 'B' ? 17 : 24) * it.heightMul;
      g.font = `${Math.round(cellH * 0.8)}px "${it.bold ? `${family} Bold` : family}"`;
      g.textBaseline = 'alphabetic';
      for (let i = 0; i < it.text.length; i++) {
        const ch = it.text[i]!;
        if (ch !== ' ') g.fillText(ch, i * cellW + cellW * 0.1, y + cellH * 0.85, cellW);
      }
    } else if (it.kind === 'raster') {
      const x0 = it.align === 'center' ? Math.floor((dots - it.width) / 2) : it.align === 'right' ? dots - it.width : 0;
      const w = Math.min(it.width, dots - x0);
      const block = g.createImageData(w, it.height);
      for (let r = 0; r < it.height; r++) {
        for (let c = 0; c < w; c++) {
          const v = it.bits[r * it.width + c] ? 0 : 255;
          const i = (r * w + c) * 4;
          block.data[i] = block.data[i + 1] = block.data[i + 2] = v;
          block.data[i + 3] = 255;
        }
      }
      g.putImageData(block, x0, y);
    } else if (it.kind === 'qr') {
      const m = qrModules(it.data, it.ecLevel);
      const side = (m.size + 8) * it.moduleSize;
      const x0 = (it.align === 'center' ? Math.floor((dots - side) / 2) : it.align === 'right' ? dots - side : 0) + 4 * it.moduleSize;
      for (let r = 0; r < m.size; r++) {
        for (let c = 0; c < m.size; c++) if (m.get(r, c)) g.fillRect(x0 + c * it.moduleSize, y + 4 * it.moduleSize + r * it.moduleSize, it.moduleSize, it.moduleSize);
      }
    } else {
      g.fillStyle = '#999';
      for (let x = 0; x < dots; x += 12) g.fillRect(x, y + 11, 6, 2);
      g.fillStyle = '#000';
    }
    y += h;
  }
  const img = g.getImageData(0, 0, dots, height).data;
  const bits = new Uint8Array(dots * height);
  for (let i = 0; i < bits.length; i++) bits[i] = img[i * 4]! < 128 ? 1 : 0;
  return { width: dots, height, bits, canvas };
}

export function paperPng(image: PaperImage): Buffer {
  return image.canvas.toBuffer('image/png');
}
