/** Shared by the print tests: the product's QR decoder (zxing-wasm) in Node, ink comparison, a reference rendering of a line. */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { prepareZXingModule, readBarcodes } from 'zxing-wasm/reader';
import { createCanvas, GlobalFonts } from '@napi-rs/canvas';
import { fontFile } from '../../src-main/print/raster-text.js';
import type { PaperImage } from '../../src-sim/printer/paper.js';

let ready: Promise<unknown> | null = null;

/** Decodes QR codes in a rendered paper image with zxing-wasm, the decoder the kiosk camera uses. */
export async function decodeQr(image: PaperImage): Promise<string[]> {
  ready ??= (() => {
    const require = createRequire(import.meta.url);
    const wasm = readFileSync(require.resolve('zxing-wasm/reader/zxing_reader.wasm'));
    return prepareZXingModule({ overrides: { wasmBinary: wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength) }, fireImmediately: true });
  })();
  await ready;
  const data = image.canvas.getContext('2d').getImageData(0, 0, image.width, image.height);
  const found = await readBarcodes(data as unknown as ImageData, { formats: ['QRCode'] });
  return found.map((b) => b.text);
}

/** Ink agreement of two 1-bit images of the same size: |A and B| / |A or B| over black dots. */
export function inkAgreement(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`sizes differ: ${a.length} vs ${b.length}`);
  let both = 0;
  let either = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]! > 0;
    const y = b[i]! > 0;
    if (x && y) both++;
    if (x || y) either++;
  }
  return either === 0 ? 1 : both / either;
}

/** The same text drawn independently with the UI's font file (not through the product's raster module). */
export function reference(value: string, width: number, height: number, px: number, bold: boolean, align: 'left' | 'center', right?: string): Uint8Array {
  const fam = bold ? 'Ref Bold' : 'Ref';
  GlobalFonts.registerFromPath(fontFile('@fontsource/noto-sans', `noto-sans-latin-${bold ? 700 : 400}-normal.woff2`), fam);
  GlobalFonts.registerFromPath(fontFile('@fontsource/noto-sans-devanagari', `noto-sans-devanagari-devanagari-${bold ? 700 : 400}-normal.woff2`), `${fam} Deva`);
  const c = createCanvas(width, height);
  const g = c.getContext('2d');
  g.fillStyle = '#fff';
  g.fillRect(0, 0, width, height);
  g.fillStyle = '#000';
  g.font = `${px}px "${fam}", "${fam} Deva"`;
  g.textAlign = align;
  const y = Math.round(height * 0.7);
  g.fillText(value, align === 'center' ? width / 2 : 4, y);
  if (right) {
    g.textAlign = 'right';
    g.fillText(right, width - 4, y);
  }
  const d = g.getImageData(0, 0, width, height).data;
  const bits = new Uint8Array(width * height);
  for (let i = 0; i < bits.length; i++) bits[i] = d[i * 4]! < 160 ? 1 : 0;
  return bits;
}
