/**
 * Reference: html5-qrcode exactly as shipped, no polyfill (Linux Chromium has no native
 * BarcodeDetector, so this is its bundled zxing-js). Two variants: default formats, QR only.
 */
import { Html5Qrcode, Html5QrcodeSupportedFormats } from 'html5-qrcode';
import { scanAll } from './shared';

window.harness = {
  async prepare() {
    return { hasBarcodeDetector: 'BarcodeDetector' in window };
  },
  scan: (paths: string[]) => scanAll(new Html5Qrcode('reader', { verbose: false }), paths),
  scanQrOnly: (paths: string[]) =>
    scanAll(
      new Html5Qrcode('reader', {
        verbose: false,
        formatsToSupport: [Html5QrcodeSupportedFormats.QR_CODE],
      }),
      paths,
    ),
};
window.harnessReady = true;
