/** Camera harness: the product's startCameraScanner on Chromium's fake capture device. */
import { startCameraScanner, type CameraScanner } from '../../../src-renderer/scanner/camera-scanner';
import { events, setHidden, watchAppearance } from './camera-watch';

let scanner: CameraScanner | null = null;
let codes = 0;

window.harness = {
  async start(opts?: { fps?: number; duplicateWindowMs?: number; watch?: boolean }) {
    const el = document.getElementById('camera')!;
    scanner = await startCameraScanner({
      elementId: 'camera',
      fps: opts?.fps,
      duplicateWindowMs: opts?.duplicateWindowMs,
      onCode: (text) => {
        codes++;
        events.push({ kind: 'code', value: text, t: performance.now() });
      },
      onHint: (h) => events.push({ kind: 'hint', value: h, t: performance.now() }),
      onError: (e) => events.push({ kind: 'error', value: e.message, t: performance.now() }),
    });
    if (opts?.watch) watchAppearance(el);
    return { cameraId: scanner.cameraId, hasTorch: scanner.hasTorch(), t: performance.now() };
  },
  async stop() {
    await scanner?.stop();
    scanner = null;
    return document.getElementById('camera')?.childElementCount ?? -1;
  },
  async cameras() {
    return scanner ? scanner.cameras() : [];
  },
  async torch(on: boolean) {
    return scanner ? scanner.setTorch(on) : false;
  },
  events: () => events.splice(0),
  codes: () => codes,
  setHidden: (hidden: boolean) => setHidden(hidden),
  videoPaused: () => (document.querySelector('#camera video') as HTMLVideoElement | null)?.paused ?? null,
  videoCount: () => document.querySelectorAll('video').length,
  storedCamera: () => localStorage.getItem('parkgate.scanner.cameraId'),
};
window.harnessReady = true;
