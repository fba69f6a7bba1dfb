import { useEffect, useId, useRef, useState } from 'react';
import { useT, type MessageKey } from '../i18n/index.js';
import { startCamera, type CameraInfo, type CameraScanner } from '../lib/scanners.js';

let panelMounts = 0;

/**
 * Live camera preview that reads QR tickets. Starts when shown (a kiosk camera is always on at
 * the gate), can be stopped, and lets the operator pick another camera.
 */
/** The camera library's English error in words the screen translates (its raw text goes to no one). */
function cameraReasonKey(message: string): MessageKey {
  const name = /\b(NotFoundError|NotAllowedError|NotReadableError)\b/.exec(message)?.[1];
  return name ? (`scan.cameraReason.${name}` as MessageKey) : 'scan.cameraReason.other';
}

export function CameraPanel({ onCode, autoStart = true }: { onCode(code: string): void; autoStart?: boolean }) {
  const t = useT();
  const rawId = useId();
  // Unique per mount, not only per tree position: a panel remounted on a screen switch must not
  // share its element id with the previous scanner, whose stop() finishes later and looks its
  // elements up by id (that removed the new preview: "removeChild ... not of type 'Node'").
  const mountRef = useRef<number | null>(null);
  if (mountRef.current === null) mountRef.current = ++panelMounts;
  const elementId = `camera-${rawId.replace(/[^a-zA-Z0-9_-]/g, '')}-${mountRef.current}`;
  const selectId = `${elementId}-select`;
  const [running, setRunning] = useState(autoStart);
  const [error, setError] = useState<string | null>(null);
  const [hint, setHint] = useState<boolean>(false);
  const [cameras, setCameras] = useState<CameraInfo[]>([]);
  const [cameraId, setCameraId] = useState<string | undefined>(undefined);
  const [torch, setTorch] = useState<{ available: boolean; on: boolean }>({ available: false, on: false });
  const scannerRef = useRef<CameraScanner | null>(null);
  const stoppingRef = useRef<Promise<void>>(Promise.resolve());
  const onCodeRef = useRef(onCode);
  onCodeRef.current = onCode;

  useEffect(() => {
    if (!running) return;
    let cancelled = false;
    setError(null);
    // Wait for a previous camera to be fully released before starting again.
    const start = () =>
      startCamera({
        elementId,
        cameraId,
        onCode: (code) => onCodeRef.current(code),
        onHint: (h) => setHint(h === 'closer'),
        // A replaced scanner's own teardown errors must not cover the preview that replaced it.
        onError: (e) => {
          if (!cancelled) setError(e.message);
        },
      });
    // One retry: a camera still being released by the previous screen can refuse the first start.
    const starting = stoppingRef.current.then(() =>
      start().catch(async () => {
        await new Promise((r) => setTimeout(r, 600));
        if (cancelled) throw new Error('cancelled');
        return start();
      }),
    );
    starting
      .then(async (scanner) => {
        if (cancelled) return;
        scannerRef.current = scanner;
        setTorch({ available: scanner.hasTorch(), on: false });
        try {
          const list = await scanner.cameras();
          if (!cancelled) setCameras(list);
        } catch {
          /* listing is optional */
        }
      })
      .catch((e: unknown) => {
        if (!cancelled) setError(e instanceof Error ? e.message : String(e));
      });
    return () => {
      cancelled = true;
      scannerRef.current = null;
      setHint(false);
      stoppingRef.current = starting.then((s) => s.stop()).catch(() => undefined);
    };
  }, [running, cameraId, elementId]);

  const toggleTorch = async () => {
    const s = scannerRef.current;
    if (!s) return;
    const ok = await s.setTorch(!torch.on);
    if (ok) setTorch({ available: true, on: !torch.on });
  };

  return (
    <section className="camera-panel" aria-label={t('scan.cameraTitle')}>
      <div className="camera-frame">
        {/* html5-qrcode renders into this element; React never puts children in it. */}
        <div id={elementId} className="camera-view" data-testid="camera-view" />
        {!running && <div className="camera-overlay">{t('scan.cameraOff')}</div>}
        {running && error && (
          <div className="camera-overlay camera-overlay-error" role="alert">
            {t('scan.cameraError', { reason: t(cameraReasonKey(error)) })}
          </div>
        )}
        {running && !error && <div className={`camera-hint ${hint ? 'camera-hint-strong' : ''}`}>{t('scan.cameraHint')}</div>}
      </div>
      <div className="camera-controls">
        <button type="button" className="btn btn-secondary" onClick={() => setRunning((r) => !r)}>
          {running ? t('scan.cameraStop') : t('scan.cameraStart')}
        </button>
        {torch.available && (
          <button type="button" className="btn btn-secondary" onClick={() => void toggleTorch()}>
            {torch.on ? t('scan.torchOff') : t('scan.torchOn')}
          </button>
        )}
        {cameras.length > 1 && (
          <div className="field field-inline">
            <label htmlFor={selectId}>{t('scan.cameraSelect')}</label>
            <select id={selectId} value={cameraId ?? ''} onChange={(e) => setCameraId(e.target.value || undefined)}>
              {cameras.map((c, i) => (
                <option key={c.id} value={c.id}>
                  {c.label || `${t('scan.cameraTitle')} ${i + 1}`}
                </option>
              ))}
            </select>
          </div>
        )}
      </div>
    </section>
  );
}
