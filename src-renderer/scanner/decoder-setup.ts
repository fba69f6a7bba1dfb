/// <reference types="vite/client" />
/**
 * The kiosk's QR decoder setup: ONE function used by the camera scanner (Entry/Exit screens),
 * by file scanning, and by the fixture test (tests/scanner/fixtures.test.ts), so the test
 * exercises exactly the product's path.
 *
 * What it does:
 *  - points the zxing-cpp WebAssembly module (zxing-wasm 3.1.3, bundled inside the
 *    `barcode-detector` polyfill) at OUR copy of `zxing_reader.wasm`, emitted by Vite from
 *    node_modules through the `?url` import below. Without this the polyfill would fetch the
 *    wasm from a CDN (fastly.jsdelivr.net), which a kiosk offline cannot reach.
 *  - installs `window.BarcodeDetector` = the zxing-cpp polyfill BEFORE html5-qrcode is
 *    constructed. html5-qrcode 2.3.8 uses `window.BarcodeDetector` as its primary decoder
 *    whenever it exists (and its bundled zxing-js as the fallback), so this turns html5-qrcode
 *    into "zxing-cpp first, zxing-js second". We install it even where Chromium has a native
 *    BarcodeDetector (macOS/Android): the gate then behaves the same on every platform and the
 *    fixture test measures what actually runs.
 *  - composites transparent pixels onto WHITE before decoding. html5-qrcode's scanFile draws the
 *    image into a canvas with a 100 px transparent border (and PNGs may have alpha); the polyfill
 *    reads RGBA(0,0,0,0) as black, which turns a quiet zone into a black frame: zxing-cpp alone
 *    reads 159/179 fixtures that way and 166/179 on white (docs/scanner.md). The compositing is
 *    one native blit onto a reused white scratch canvas, replacing the getImageData the polyfill
 *    would do anyway, so opaque camera frames cost nothing extra.
 *
 * CSP: the renderer's Content-Security-Policy must allow `'wasm-unsafe-eval'` in script-src.
 */
import { Html5Qrcode, Html5QrcodeSupportedFormats, type Html5QrcodeFullConfig } from 'html5-qrcode';
import {
  BarcodeDetector as ZXingBarcodeDetector,
  prepareZXingModule,
  setZXingModuleOverrides,
  ZXING_WASM_SHA256,
  ZXING_WASM_VERSION,
  type DetectedBarcode,
} from 'barcode-detector/ponyfill';
import zxingReaderWasmUrl from 'zxing-wasm/reader/zxing_reader.wasm?url';

type DetectInput = Parameters<ZXingBarcodeDetector['detect']>[0];

/** Marker so we can tell our detector from a native one or from another polyfill. */
export const PARKGATE_DETECTOR = Symbol.for('parkgate.qrDetector');

/**
 * Returns a copy of `img` with every non-opaque pixel composited onto white, or `img` itself
 * when it is fully opaque (the common case for camera frames: no copy, one pass over alpha).
 */
export function flattenOnWhite(img: ImageData): ImageData {
  const px = new Uint32Array(img.data.buffer, img.data.byteOffset, img.data.byteLength >>> 2);
  // ImageData is RGBA in memory; on little-endian hosts alpha is the top byte of each uint32.
  const littleEndian = new Uint8Array(new Uint32Array([0x01020304]).buffer)[0] === 0x04;
  let first = -1;
  if (littleEndian) {
    for (let i = 0; i < px.length; i++) {
      if ((px[i]! >>> 24) !== 0xff) {
        first = i;
        break;
      }
    }
  } else {
    for (let i = 0; i < px.length; i++) {
      if ((px[i]! & 0xff) !== 0xff) {
        first = i;
        break;
      }
    }
  }
  if (first < 0) return img;
  const src = img.data;
  const out = new Uint8ClampedArray(src);
  for (let p = first * 4; p < out.length; p += 4) {
    const a = out[p + 3]!;
    if (a === 255) continue;
    // c' = c*a + 255*(1-a)  ==  255 - (255 - c) * a / 255
    out[p] = 255 - (((255 - out[p]!) * a + 127) / 255);
    out[p + 1] = 255 - (((255 - out[p + 1]!) * a + 127) / 255);
    out[p + 2] = 255 - (((255 - out[p + 2]!) * a + 127) / 255);
    out[p + 3] = 255;
  }
  return new ImageData(out, img.width, img.height);
}

function isCanvas(x: unknown): x is HTMLCanvasElement | OffscreenCanvas {
  return (
    (typeof HTMLCanvasElement !== 'undefined' && x instanceof HTMLCanvasElement) ||
    (typeof OffscreenCanvas !== 'undefined' && x instanceof OffscreenCanvas)
  );
}

function isImageData(x: unknown): x is ImageData {
  return typeof ImageData !== 'undefined' && x instanceof ImageData;
}

type Ctx2D = CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D;

/** One reusable scratch surface (no per-frame canvas allocation: hours of scanning). */
let scratch: { canvas: HTMLCanvasElement | OffscreenCanvas; ctx: Ctx2D } | null = null;

function scratchContext(width: number, height: number): Ctx2D | null {
  if (!scratch) {
    const canvas =
      typeof OffscreenCanvas !== 'undefined'
        ? new OffscreenCanvas(width, height)
        : Object.assign(document.createElement('canvas'), { width, height });
    const ctx = canvas.getContext('2d', { willReadFrequently: true, alpha: false }) as Ctx2D | null;
    if (!ctx) return null;
    scratch = { canvas, ctx };
  }
  const { canvas, ctx } = scratch;
  if (canvas.width !== width || canvas.height !== height) {
    canvas.width = width; // resizing also resets the context state
    canvas.height = height;
  }
  return ctx;
}

/**
 * Pixels of `source` composited onto white (browser-native compositing: one blit, no JS loop).
 * Falls back to reading the canvas and `flattenOnWhite` if no scratch context is available.
 */
function canvasOnWhite(source: HTMLCanvasElement | OffscreenCanvas): ImageData | null {
  const { width, height } = source;
  if (width === 0 || height === 0) return null;
  const ctx = scratchContext(width, height);
  if (ctx) {
    ctx.globalCompositeOperation = 'source-over';
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.fillStyle = '#ffffff';
    ctx.fillRect(0, 0, width, height);
    ctx.drawImage(source, 0, 0);
    return ctx.getImageData(0, 0, width, height);
  }
  const own = source.getContext('2d') as Ctx2D | null;
  return own ? flattenOnWhite(own.getImageData(0, 0, width, height)) : null;
}

/**
 * The BarcodeDetector the kiosk installs: zxing-cpp (via `barcode-detector`) with transparent
 * pixels composited onto white. html5-qrcode always hands it a canvas.
 */
export class KioskBarcodeDetector extends ZXingBarcodeDetector {
  readonly [PARKGATE_DETECTOR] = true;

  override async detect(image: DetectInput): Promise<DetectedBarcode[]> {
    let input: DetectInput = image;
    if (isCanvas(image)) {
      const flat = canvasOnWhite(image);
      if (!flat) return [];
      input = flat;
    } else if (isImageData(image)) {
      input = flattenOnWhite(image);
    }
    return super.detect(input);
  }
}

export interface QrDecoderInfo {
  /** URL the zxing wasm is loaded from (our own origin). */
  wasmUrl: string;
  /** sha256 of the wasm the JS glue expects (the served file must match). */
  wasmSha256: string;
  zxingWasmVersion: string;
}

let installed: QrDecoderInfo | null = null;
let ready: Promise<void> | null = null;

/**
 * Installs the kiosk's QR decoder on `window` (idempotent). Must run before any Html5Qrcode is
 * constructed; `createQrReader` does it for you.
 */
export function installQrDecoder(): QrDecoderInfo {
  if (installed) return installed;
  const wasmUrl = new URL(zxingReaderWasmUrl, document.baseURI).href;
  setZXingModuleOverrides({
    locateFile: (path: string, prefix: string) => (path.endsWith('.wasm') ? wasmUrl : prefix + path),
  });
  Object.defineProperty(window, 'BarcodeDetector', {
    value: KioskBarcodeDetector,
    configurable: true,
    writable: true,
  });
  installed = { wasmUrl, wasmSha256: ZXING_WASM_SHA256, zxingWasmVersion: ZXING_WASM_VERSION };
  return installed;
}

/**
 * Installs the decoder and resolves once the wasm is compiled, so the first camera frame does
 * not pay for it. Rejects (e.g. CSP without 'wasm-unsafe-eval', wasm missing from the build);
 * html5-qrcode would then still work through its zxing-js fallback, only worse.
 */
export function prepareQrDecoder(): Promise<void> {
  installQrDecoder();
  ready ??= prepareZXingModule({ fireImmediately: true }).then(
    () => undefined,
    (err: unknown) => {
      ready = null;
      throw err instanceof Error ? err : new Error(String(err));
    },
  );
  return ready;
}

/** Formats the kiosk reads: QR only (fewer readers per frame = less CPU, no false 1D reads). */
export const KIOSK_FORMATS = [Html5QrcodeSupportedFormats.QR_CODE];

/** The html5-qrcode construction config shared by camera and file scanning. */
export function readerConfig(): Html5QrcodeFullConfig {
  return {
    formatsToSupport: KIOSK_FORMATS,
    useBarCodeDetectorIfSupported: true,
    verbose: false,
  };
}

/** Creates the Html5Qrcode instance every kiosk scan goes through (decoder installed first). */
export function createQrReader(elementId: string): Html5Qrcode {
  installQrDecoder();
  return new Html5Qrcode(elementId, readerConfig());
}

/**
 * Decodes an image file (e.g. a photo of a ticket) through the same html5-qrcode instance
 * setup as the camera. Rejects when no QR code is found.
 */
export async function scanImageFile(reader: Html5Qrcode, file: File): Promise<string> {
  try {
    return await reader.scanFile(file, false);
  } catch (err) {
    throw err instanceof Error ? err : new Error(String(err));
  }
}
