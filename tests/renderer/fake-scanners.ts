/**
 * Stand-in for src-renderer/lib/scanners.ts in component tests. Each test file installs it with
 *   vi.mock('../../src-renderer/lib/scanners.js', async () => (await import('./fake-scanners.js')).module);
 * and fires scans with `scanners.cameraOnCode?.(code)` / `scanners.wedgeOnCode?.(code)`.
 */
export const scanners = {
  cameraOnCode: null as ((code: string) => void) | null,
  wedgeOnCode: null as ((code: string) => void) | null,
  cameraStarts: 0,
  cameraStops: 0,
};

export const module = {
  startCamera: async (opts: { onCode(code: string): void }) => {
    scanners.cameraOnCode = opts.onCode;
    scanners.cameraStarts++;
    return {
      stop: async () => {
        scanners.cameraStops++;
      },
      setTorch: async () => false,
      hasTorch: () => false,
      cameras: async () => [{ id: 'cam1', label: 'Gate camera' }],
      cameraId: 'cam1',
    };
  },
  attachWedge: (_t: unknown, onCode: (code: string) => void) => {
    scanners.wedgeOnCode = onCode;
    return () => {
      if (scanners.wedgeOnCode === onCode) scanners.wedgeOnCode = null;
    };
  },
};
