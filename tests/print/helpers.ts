/** Shared by the print tests: the product's QR decoder (zxing-wasm) in Node, and ink comparison. */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { prepareZXingModule, readBarcodes } from 'zxing-wasm/reader';
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
