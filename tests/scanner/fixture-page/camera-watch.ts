/**
 * Bench helper: records when a QR appears on the camera (video frames watched with
 * requestVideoFrameCallback; mean luminance of the centre drops when the code shows).
 */
export interface CamEvent {
  kind: 'code' | 'hint' | 'error' | 'appear' | 'vanish';
  value: string | null;
  t: number;
}

export const events: CamEvent[] = [];

let watching: HTMLVideoElement | null = null;
const probe = document.createElement('canvas');
probe.width = 32;
probe.height = 32;
const pctx = probe.getContext('2d', { willReadFrequently: true })!;
let shown = false;

export function watchAppearance(container: HTMLElement): void {
  const video = container.querySelector('video');
  if (!video || video === watching) return;
  watching = video;
  shown = false;
  const onFrame = (): void => {
    if (watching !== video || !video.isConnected) return;
    const w = video.videoWidth;
    const h = video.videoHeight;
    if (w && h) {
      // centre square of the frame, where the QR is in the bench clip
      pctx.drawImage(video, w / 2 - h / 4, h / 4, h / 2, h / 2, 0, 0, 32, 32);
      const d = pctx.getImageData(0, 0, 32, 32).data;
      let sum = 0;
      for (let i = 0; i < d.length; i += 4) sum += d[i + 1]!;
      const mean = sum / (d.length / 4);
      const now = performance.now();
      if (!shown && mean < 225) {
        shown = true;
        events.push({ kind: 'appear', value: null, t: now });
      } else if (shown && mean > 245) {
        shown = false;
        events.push({ kind: 'vanish', value: null, t: now });
      }
    }
    video.requestVideoFrameCallback(onFrame);
  };
  video.requestVideoFrameCallback(onFrame);
}

/** Simulates the kiosk window being hidden / shown (document.hidden + visibilitychange). */
export function setHidden(hidden: boolean): void {
  Object.defineProperty(document, 'hidden', { configurable: true, get: () => hidden });
  Object.defineProperty(document, 'visibilityState', {
    configurable: true,
    get: () => (hidden ? 'hidden' : 'visible'),
  });
  document.dispatchEvent(new Event('visibilitychange'));
}
