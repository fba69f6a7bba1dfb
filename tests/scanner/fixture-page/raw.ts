/**
 * Reference for the bench: html5-qrcode + the `barcode-detector` polyfill as documented
 * (no white-background flattening), wasm served locally. Shows what the flattening buys.
 */
import { Html5Qrcode, Html5QrcodeSupportedFormats } from 'html5-qrcode';
import { BarcodeDetector, setZXingModuleOverrides } from 'barcode-detector/ponyfill';
import wasmUrl from 'zxing-wasm/reader/zxing_reader.wasm?url';
import { detectPadded, scanAll } from './shared';

setZXingModuleOverrides({
  locateFile: (path: string, prefix: string) => (path.endsWith('.wasm') ? wasmUrl : prefix + path),
});
Object.defineProperty(window, 'BarcodeDetector', { value: BarcodeDetector, configurable: true, writable: true });

window.harness = {
  async prepare() {
    return { hasBarcodeDetector: 'BarcodeDetector' in window };
  },
  detectOnly: (paths: string[]) => detectPadded(paths),
  scan: (paths: string[]) =>
    scanAll(
      new Html5Qrcode('reader', {
        verbose: false,
        formatsToSupport: [Html5QrcodeSupportedFormats.QR_CODE],
        useBarCodeDetectorIfSupported: true,
      }),
      paths,
    ),
};
window.harnessReady = true;
