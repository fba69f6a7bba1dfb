/**
 * Pure, DOM-free scanning policies used by the camera scanner (unit-tested in tests/scanner).
 */

/**
 * Ignores the same text while it keeps being seen: a ticket held in front of the camera for
 * ten seconds is ONE scan. The same code is accepted again only after it has been out of view
 * (not decoded) for `windowMs`. A different code is always accepted at once.
 */
export class DuplicateFilter {
  private lastText: string | null = null;
  private lastSeen = -Infinity;

  constructor(private readonly windowMs = 3000) {}

  /** true = new scan, deliver it; false = repeat of the code just read, drop it. */
  accept(text: string, now: number): boolean {
    const repeat = text === this.lastText && now - this.lastSeen < this.windowMs;
    this.lastText = text;
    this.lastSeen = now;
    return !repeat;
  }

  reset(): void {
    this.lastText = null;
    this.lastSeen = -Infinity;
  }
}

export type ScanHint = 'closer' | null;

export interface HintOptions {
  /** Something code-like has been in the scan box, undecoded, for this long -> 'closer'. */
  hintAfterMs?: number;
  /** Nothing code-like seen for this long -> hint cleared. */
  clearAfterMs?: number;
}

/**
 * Decides when to ask the parker to hold the ticket closer / steadier: only when the scan box
 * has looked like a code (see `looksLikeCode`) for a while without a successful decode, so an
 * empty lane never shows the hint.
 */
export class HintTracker {
  private codeLikeSince: number | null = null;
  private lastCodeLike = -Infinity;
  private current: ScanHint = null;
  private readonly hintAfterMs: number;
  private readonly clearAfterMs: number;

  constructor(
    private readonly emit: (hint: ScanHint) => void,
    opts: HintOptions = {},
  ) {
    this.hintAfterMs = opts.hintAfterMs ?? 1500;
    this.clearAfterMs = opts.clearAfterMs ?? 1000;
  }

  get hint(): ScanHint {
    return this.current;
  }

  /** A frame failed to decode; `codeLike` = the frame looked like a code was in view. */
  failure(now: number, codeLike: boolean): void {
    if (codeLike) {
      this.codeLikeSince ??= now;
      this.lastCodeLike = now;
      if (now - this.codeLikeSince >= this.hintAfterMs) this.set('closer');
    } else if (now - this.lastCodeLike >= this.clearAfterMs) {
      this.codeLikeSince = null;
      this.set(null);
    }
  }

  success(): void {
    this.codeLikeSince = null;
    this.lastCodeLike = -Infinity;
    this.set(null);
  }

  private set(h: ScanHint): void {
    if (h === this.current) return;
    this.current = h;
    this.emit(h);
  }
}

export interface FrameStats {
  /** Share of sampled neighbouring pixel pairs with a strong luminance step. */
  edgeDensity: number;
  /** 10th / 90th percentile luminance (0-255). */
  dark: number;
  light: number;
}

/** Cheap texture statistics over every `step`-th row of an RGBA frame. */
export function frameStats(
  data: Uint8ClampedArray,
  width: number,
  height: number,
  step = 4,
): FrameStats {
  const hist = new Uint32Array(256);
  let pairs = 0;
  let edges = 0;
  for (let y = 0; y < height; y += step) {
    let prev = -1;
    for (let x = 0; x < width; x += 2) {
      const i = (y * width + x) * 4;
      // integer Rec.601-ish luma
      const l = (data[i]! * 77 + data[i + 1]! * 150 + data[i + 2]! * 29) >> 8;
      hist[l]!++;
      if (prev >= 0) {
        pairs++;
        if (Math.abs(l - prev) >= 48) edges++;
      }
      prev = l;
    }
  }
  const total = hist.reduce((a, b) => a + b, 0);
  const pct = (p: number): number => {
    let acc = 0;
    const target = total * p;
    for (let v = 0; v < 256; v++) {
      acc += hist[v]!;
      if (acc >= target) return v;
    }
    return 255;
  };
  return { edgeDensity: pairs ? edges / pairs : 0, dark: pct(0.1), light: pct(0.9) };
}

/**
 * Heuristic: does the scan box look like a QR code is in it? A code gives many sharp
 * dark/light steps and a bimodal histogram; an empty lane, a wall or a windscreen does not.
 */
export function looksLikeCode(s: FrameStats): boolean {
  return s.edgeDensity >= 0.05 && s.light - s.dark >= 80;
}
