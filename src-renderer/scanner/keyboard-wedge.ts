/**
 * USB "keyboard wedge" barcode scanners type the code as key presses followed by Enter, far
 * faster than a person: typically 2-15 ms between keys. This listener recognises such bursts on
 * a window or element without any focused field, so the Entry/Exit screens accept a scanner at
 * any time.
 *
 * A burst is accepted when: at least `minLength` printable characters, EVERY gap between
 * consecutive keys (and before the terminating Enter) below `maxGapMs`, then Enter. Human typing
 * (even a fast typist has gaps of 60-150 ms and some key pairs far slower) never satisfies "all
 * gaps < 35 ms" over 6+ keys. Timing uses `event.timeStamp` (when the key was pressed), not the
 * time the handler runs, so keys queued behind a busy main thread are not mistaken for a burst.
 *
 * By default keys typed into an editable field (input, textarea, select, contenteditable) are
 * left alone: that field (e.g. manual code entry) handles them itself.
 */

export interface KeyboardWedgeOptions {
  /** Longest gap between two keys of one burst, ms (default 35). */
  maxGapMs?: number;
  /** Shortest code accepted (default 6). */
  minLength?: number;
  /** Longest code accepted; longer bursts are dropped (default 512). */
  maxLength?: number;
  /** Keys that end a burst (default ['Enter']; some scanners are set to send Tab). */
  terminators?: readonly string[];
  /** Also listen while an editable field has focus (default false). */
  captureInEditable?: boolean;
  /** Timestamp of an event, ms (default `event.timeStamp`; tests may inject a clock). */
  timeOf?: (e: KeyboardEvent) => number;
}

function isEditable(t: EventTarget | null): boolean {
  if (!t || typeof (t as Element).tagName !== 'string') return false;
  const el = t as HTMLElement;
  const tag = el.tagName.toLowerCase();
  if (tag === 'textarea' || tag === 'select') return true;
  if (tag === 'input') {
    const type = ((el as HTMLInputElement).type || 'text').toLowerCase();
    return !['button', 'checkbox', 'radio', 'submit', 'reset', 'file', 'image', 'range', 'color'].includes(type);
  }
  return el.isContentEditable === true || el.getAttribute?.('contenteditable') === 'true';
}

/**
 * Starts listening for scanner bursts on `target`; returns a function that stops listening.
 * `onCode` receives the scanned text (without the terminator).
 */
export function attachKeyboardWedge(
  target: Window | HTMLElement,
  onCode: (text: string) => void,
  opts: KeyboardWedgeOptions = {},
): () => void {
  const maxGapMs = opts.maxGapMs ?? 35;
  const minLength = opts.minLength ?? 6;
  const maxLength = opts.maxLength ?? 512;
  const terminators = new Set(opts.terminators ?? ['Enter']);
  const timeOf = opts.timeOf ?? ((e: KeyboardEvent) => e.timeStamp);

  let buf = '';
  let last = -Infinity;

  const reset = (): void => {
    buf = '';
    last = -Infinity;
  };

  const onKeyDown = (ev: Event): void => {
    const e = ev as KeyboardEvent;
    if (e.isComposing) return;
    if (!opts.captureInEditable && isEditable(e.target)) {
      reset();
      return;
    }
    if (e.ctrlKey || e.altKey || e.metaKey) {
      reset();
      return;
    }
    const now = timeOf(e);
    const gap = now - last;

    if (terminators.has(e.key)) {
      const ok = buf.length >= minLength && buf.length <= maxLength && gap < maxGapMs;
      const code = buf;
      reset();
      if (ok) {
        // The burst was a scan: don't let Enter also press a focused button.
        e.preventDefault();
        e.stopPropagation();
        onCode(code);
      }
      return;
    }
    if (e.key.length !== 1) return; // Shift, CapsLock, arrows...: not part of the code, no reset
    if (buf.length === 0 || gap >= maxGapMs) {
      // Start a new run at this key. A slow gap inside a run means a person is typing: the run
      // restarts here, so a scanner burst right after typing is still recognised.
      buf = e.key;
    } else {
      buf += e.key;
    }
    last = now;
  };

  target.addEventListener('keydown', onKeyDown, { capture: true });
  return () => {
    target.removeEventListener('keydown', onKeyDown, { capture: true });
    reset();
  };
}
