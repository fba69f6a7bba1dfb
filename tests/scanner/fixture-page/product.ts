/** The product's decoder path: exactly what the Entry/Exit screens construct. */
import {
  createQrReader,
  installQrDecoder,
  prepareQrDecoder,
  KioskBarcodeDetector,
  PARKGATE_DETECTOR,
} from '../../../src-renderer/scanner/decoder-setup';
import { detectPadded, scanAll } from './shared';

window.harness = {
  async prepare() {
    const info = installQrDecoder();
    await prepareQrDecoder();
    const w = window as unknown as { BarcodeDetector: typeof KioskBarcodeDetector };
    const d = new w.BarcodeDetector({ formats: ['qr_code'] });
    return {
      ...info,
      windowHasKioskDetector: w.BarcodeDetector === KioskBarcodeDetector,
      marker: (d as unknown as Record<symbol, unknown>)[PARKGATE_DETECTOR] === true,
    };
  },
  detectOnly: (paths: string[]) => detectPadded(paths),
  scan: (paths: string[]) => scanAll(createQrReader('reader'), paths),
};
window.harnessReady = true;
