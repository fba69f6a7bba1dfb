/** Browser side of the scanner harness: runs fixture images through an html5-qrcode instance. */
import type { Html5Qrcode } from 'html5-qrcode';

export interface ScanOutcome {
  path: string;
  text: string | null;
  error: string | null;
  ms: number;
}

export async function scanAll(reader: Html5Qrcode, paths: string[]): Promise<ScanOutcome[]> {
  const out: ScanOutcome[] = [];
  for (const path of paths) {
    const res = await fetch(path);
    const blob = await res.blob();
    const file = new File([blob], path.split('/').pop() ?? 'image.png', { type: blob.type || 'image/png' });
    const t0 = performance.now();
    try {
      const text = await reader.scanFile(file, false);
      out.push({ path, text, error: null, ms: performance.now() - t0 });
    } catch (e) {
      out.push({ path, text: null, error: String(e), ms: performance.now() - t0 });
    }
  }
  reader.clear();
  return out;
}

/**
 * Bench only: calls `window.BarcodeDetector` directly on a canvas laid out like html5-qrcode's
 * scanFile (image + 100 px transparent border), without html5-qrcode's zxing-js fallback.
 */
export async function detectPadded(paths: string[]): Promise<ScanOutcome[]> {
  const Detector = (window as unknown as { BarcodeDetector: new (o: object) => { detect(c: HTMLCanvasElement): Promise<Array<{ rawValue: string }>> } }).BarcodeDetector;
  const detector = new Detector({ formats: ['qr_code'] });
  const out: ScanOutcome[] = [];
  for (const path of paths) {
    const bmp = await createImageBitmap(await (await fetch(path)).blob());
    const canvas = document.createElement('canvas');
    canvas.width = bmp.width + 200;
    canvas.height = bmp.height + 200;
    canvas.getContext('2d')!.drawImage(bmp, 100, 100);
    const t0 = performance.now();
    try {
      const r = await detector.detect(canvas);
      out.push({ path, text: r[0]?.rawValue ?? null, error: null, ms: performance.now() - t0 });
    } catch (e) {
      out.push({ path, text: null, error: String(e), ms: performance.now() - t0 });
    }
  }
  return out;
}

declare global {
  interface Window {
    harness: Record<string, (...args: never[]) => unknown>;
    harnessReady: boolean;
  }
}
