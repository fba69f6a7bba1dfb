/**
 * Bench reference: the same gate camera settings (fps, qrbox, no flip, QR only) on plain
 * html5-qrcode WITHOUT the polyfill (its bundled zxing-js), for scan-to-result on vs off.
 */
import { Html5Qrcode, Html5QrcodeSupportedFormats } from 'html5-qrcode';
import { gateScanConfig } from '../../../src-renderer/scanner/camera-scanner';
import { DuplicateFilter } from '../../../src-renderer/scanner/scan-policy';
import { events, watchAppearance } from './camera-watch';

let reader: Html5Qrcode | null = null;
let codes = 0;

window.harness = {
  async start(opts?: { fps?: number; duplicateWindowMs?: number; watch?: boolean }) {
    const el = document.getElementById('camera')!;
    const dupes = new DuplicateFilter(opts?.duplicateWindowMs ?? 3000);
    reader = new Html5Qrcode('camera', {
      verbose: false,
      formatsToSupport: [Html5QrcodeSupportedFormats.QR_CODE],
    });
    const c = { facingMode: 'environment' };
    await reader.start(c, gateScanConfig(c, opts?.fps), (text) => {
      if (!dupes.accept(text, performance.now())) return;
      codes++;
      events.push({ kind: 'code', value: text, t: performance.now() });
    }, () => {});
    if (opts?.watch) watchAppearance(el);
    return { cameraId: null, hasTorch: false, t: performance.now(), hasBarcodeDetector: 'BarcodeDetector' in window };
  },
  async stop() {
    await reader?.stop();
    reader?.clear();
    reader = null;
    return 0;
  },
  events: () => events.splice(0),
  codes: () => codes,
  videoPaused: () => (document.querySelector('#camera video') as HTMLVideoElement | null)?.paused ?? null,
};
window.harnessReady = true;
