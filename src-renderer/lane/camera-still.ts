/** One still frame from the kiosk camera as a small JPEG data URL (downscaled and re-encoded until it fits the cap). */
import { SNAPSHOT_MAX_CHARS } from '../../src-shared/contracts/lane.js';

export async function captureStill(): Promise<string | null> {
  if (typeof navigator === 'undefined' || !navigator.mediaDevices?.getUserMedia) return null;
  let stream: MediaStream | null = null;
  try {
    stream = await navigator.mediaDevices.getUserMedia({ video: { width: 640, height: 480 }, audio: false });
    const video = document.createElement('video');
    video.muted = true;
    video.srcObject = stream;
    await video.play();
    const canvas = document.createElement('canvas');
    for (const [w, quality] of [[320, 0.7], [240, 0.5], [160, 0.4]] as const) {
      canvas.width = w;
      canvas.height = Math.round((w * (video.videoHeight || 480)) / (video.videoWidth || 640));
      canvas.getContext('2d')?.drawImage(video, 0, 0, canvas.width, canvas.height);
      const url = canvas.toDataURL('image/jpeg', quality);
      if (url.startsWith('data:image/jpeg') && url.length <= SNAPSHOT_MAX_CHARS) return url;
    }
    return null;
  } catch {
    return null; // no camera, or permission refused: the opening goes on without a still
  } finally {
    stream?.getTracks().forEach((tr) => tr.stop());
  }
}
