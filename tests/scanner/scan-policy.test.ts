// @vitest-environment node
import { describe, expect, it, vi } from 'vitest';
import {
  DuplicateFilter,
  HintTracker,
  frameStats,
  looksLikeCode,
} from '../../src-renderer/scanner/scan-policy';
import { gateQrbox } from '../../src-renderer/scanner/camera-scanner';

describe('DuplicateFilter', () => {
  it('treats a code held in view as one scan, accepts it again after it left view', () => {
    const f = new DuplicateFilter(3000);
    expect(f.accept('A', 0)).toBe(true);
    // seen every 100 ms for 10 s: never delivered again
    for (let t = 100; t <= 10_000; t += 100) expect(f.accept('A', t)).toBe(false);
    // gone for 3 s -> a new scan
    expect(f.accept('A', 13_000)).toBe(true);
  });
  it('accepts a different code at once, and the first again afterwards', () => {
    const f = new DuplicateFilter(3000);
    expect(f.accept('A', 0)).toBe(true);
    expect(f.accept('B', 50)).toBe(true);
    expect(f.accept('A', 100)).toBe(true);
  });
  it('window boundary and reset', () => {
    const f = new DuplicateFilter(3000);
    f.accept('A', 0);
    expect(f.accept('A', 2999)).toBe(false);
    expect(f.accept('A', 5998)).toBe(false);
    expect(f.accept('A', 8998)).toBe(true);
    f.reset();
    expect(f.accept('A', 9000)).toBe(true);
  });
});

describe('HintTracker', () => {
  it('hints closer only after a code-like box stays undecoded, clears on success', () => {
    const emit = vi.fn();
    const h = new HintTracker(emit, { hintAfterMs: 1500, clearAfterMs: 1000 });
    for (let t = 0; t < 10_000; t += 250) h.failure(t, false); // empty lane: never a hint
    expect(emit).not.toHaveBeenCalled();
    h.failure(10_000, true);
    h.failure(11_000, true);
    expect(emit).not.toHaveBeenCalled();
    h.failure(11_500, true);
    expect(emit).toHaveBeenLastCalledWith('closer');
    h.failure(11_750, true);
    expect(emit).toHaveBeenCalledTimes(1); // emitted on change only
    h.success();
    expect(emit).toHaveBeenLastCalledWith(null);
    expect(h.hint).toBeNull();
  });
  it('clears when the box stops looking like a code', () => {
    const emit = vi.fn();
    const h = new HintTracker(emit);
    h.failure(0, true);
    h.failure(2000, true);
    expect(h.hint).toBe('closer');
    h.failure(2500, false); // a single odd frame does not clear
    expect(h.hint).toBe('closer');
    h.failure(3100, false);
    expect(h.hint).toBeNull();
  });
});

function frame(w: number, h: number, px: (x: number, y: number) => number): Uint8ClampedArray {
  const d = new Uint8ClampedArray(w * h * 4);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      const v = px(x, y);
      const i = (y * w + x) * 4;
      d[i] = d[i + 1] = d[i + 2] = v;
      d[i + 3] = 255;
    }
  return d;
}

describe('looksLikeCode', () => {
  it('a QR-like checker texture looks like a code; flat or smooth scenes do not', () => {
    let seed = 7;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
    const modules: number[] = Array.from({ length: 33 * 33 }, () => (rnd() < 0.5 ? 20 : 235));
    const qr = frame(330, 330, (x, y) => modules[Math.floor(y / 10) * 33 + Math.floor(x / 10)]!);
    expect(looksLikeCode(frameStats(qr, 330, 330))).toBe(true);
    const flat = frame(330, 330, () => 128);
    expect(looksLikeCode(frameStats(flat, 330, 330))).toBe(false);
    const gradient = frame(330, 330, (x) => Math.floor((x / 330) * 255));
    expect(looksLikeCode(frameStats(gradient, 330, 330))).toBe(false);
    // one strong edge (a car bonnet against the sky) is not a code either
    const split = frame(330, 330, (x) => (x < 165 ? 30 : 220));
    expect(looksLikeCode(frameStats(split, 330, 330))).toBe(false);
  });
});

describe('gateQrbox', () => {
  it('is a square of 70% of the shorter side, at least 50 px', () => {
    expect(gateQrbox(640, 480)).toEqual({ width: 336, height: 336 });
    expect(gateQrbox(480, 640)).toEqual({ width: 336, height: 336 });
    expect(gateQrbox(60, 60)).toEqual({ width: 50, height: 50 });
  });
});
