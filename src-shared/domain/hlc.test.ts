import { describe, expect, it } from 'vitest';
import { compareHlc, decodeHlc, encodeHlc, type Hlc, hlcInit, hlcNow, hlcReceive } from './hlc.js';

const h = (wallMs: number, counter: number, node = 'k1'): Hlc => ({ wallMs, counter, node });

describe('hlcNow', () => {
  it('takes physical time when it moves forward', () => {
    expect(hlcNow(h(1000, 5), 2000)).toEqual(h(2000, 0));
  });
  it('bumps the counter when physical time stands still', () => {
    expect(hlcNow(h(1000, 5), 1000)).toEqual(h(1000, 6));
  });
  it('never goes backwards when physical time does', () => {
    expect(hlcNow(h(1000, 5), 400)).toEqual(h(1000, 6));
  });
  it('floors fractional physical ms', () => {
    expect(hlcNow(h(1000, 5), 1000.9)).toEqual(h(1000, 6));
  });
  it('carries counter overflow into the wall clock', () => {
    expect(hlcNow(h(1000, 999_999), 1000)).toEqual(h(1001, 0));
  });
  it('is strictly increasing over a run of events', () => {
    let c = hlcInit('k1');
    const seen: string[] = [];
    const phys = [5, 5, 5, 4, 10, 10, 3, 11, 11, 11];
    for (const p of phys) {
      const n = hlcNow(c, p);
      expect(compareHlc(n, c)).toBe(1);
      c = n;
      seen.push(encodeHlc(c));
    }
    expect(seen).toEqual([
      '000000000000005-000000-k1',
      '000000000000005-000001-k1',
      '000000000000005-000002-k1',
      '000000000000005-000003-k1',
      '000000000000010-000000-k1',
      '000000000000010-000001-k1',
      '000000000000010-000002-k1',
      '000000000000011-000000-k1',
      '000000000000011-000001-k1',
      '000000000000011-000002-k1',
    ]);
  });
  it('rejects bad input', () => {
    expect(() => hlcNow(h(1, 0, ''), 5)).toThrow(RangeError);
    expect(() => hlcNow(h(1, 0), NaN)).toThrow(RangeError);
    expect(() => hlcNow(h(-1, 0), 5)).toThrow(RangeError);
    expect(() => hlcInit('bad node')).toThrow(RangeError);
  });
});

describe('hlcReceive', () => {
  it.each([
    ['physical ahead of both', h(100, 3), h(200, 7, 'k2'), 300, h(300, 0)],
    ['remote ahead', h(100, 3), h(200, 7, 'k2'), 150, h(200, 8)],
    ['local ahead', h(250, 3), h(200, 7, 'k2'), 150, h(250, 4)],
    ['same wall: max counter + 1', h(200, 3), h(200, 7, 'k2'), 150, h(200, 8)],
    ['same wall, local counter bigger', h(200, 9), h(200, 7, 'k2'), 200, h(200, 10)],
    ['all equal', h(200, 1), h(200, 1, 'k2'), 200, h(200, 2)],
    ['overflow carries', h(200, 999_999), h(200, 999_999, 'k2'), 0, h(201, 0)],
  ] as [string, Hlc, Hlc, number, Hlc][])('%s', (_l, local, remote, pt, expected) => {
    const r = hlcReceive(local, remote, pt);
    expect(r).toEqual(expected);
    expect(compareHlc(r, local)).toBe(1);
    expect(r.wallMs > remote.wallMs || (r.wallMs === remote.wallMs && r.counter > remote.counter)).toBe(true);
  });
  it('keeps the local node', () => {
    expect(hlcReceive(h(1, 0, 'a'), h(5, 0, 'b'), 0).node).toBe('a');
  });
});

describe('encode / decode / compare', () => {
  it('encodes fixed width', () => {
    expect(encodeHlc(h(1_700_000_000_000, 42, 'kiosk-A.1'))).toBe('001700000000000-000042-kiosk-A.1');
    expect(encodeHlc(h(0, 0, 'n'))).toBe('000000000000000-000000-n');
    expect(encodeHlc(h(999_999_999_999_999, 999_999, 'n'))).toBe('999999999999999-999999-n');
  });
  it('round-trips', () => {
    const x = h(1_700_000_123_456, 17, '017f22e2-79b0-7cc3-98c4-dc0c0c07398f');
    expect(decodeHlc(encodeHlc(x))).toEqual(x);
  });
  it.each([
    '',
    '1700000000000-000001-k1',
    '0001700000000000-000001-k1',
    '001700000000000-00001-k1',
    '001700000000000-000001-',
    '001700000000000-000001-k 1',
    '001700000000000-000001-k1\n',
    ' 001700000000000-000001-k1',
    '00170000000000x-000001-k1',
    '001700000000000_000001_k1',
    `001700000000000-000001-${'n'.repeat(65)}`,
  ])('decodeHlc(%j) -> null', (s) => {
    expect(decodeHlc(s)).toBeNull();
  });
  it('decodeHlc never throws on non-strings', () => {
    expect(decodeHlc(undefined as unknown as string)).toBeNull();
    expect(decodeHlc(12 as unknown as string)).toBeNull();
  });
  it('string order equals compareHlc order', () => {
    let seed = 7;
    const rnd = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const nodes = ['a', 'b', 'a-b', 'ab', 'B', 'k1', 'k10', 'k2', 'z.z', 'A:1', '0'];
    const items: Hlc[] = [];
    for (let i = 0; i < 500; i++) {
      items.push(h([0, 1, 9, 10, 99, 1_700_000_000_000, 999_999_999_999_999][rnd(7)]!, [0, 1, 9, 10, 999_999][rnd(5)]!, nodes[rnd(nodes.length)]!));
    }
    const byCompare = [...items].sort(compareHlc).map(encodeHlc);
    const byString = items.map(encodeHlc).sort();
    expect(byCompare).toEqual(byString);
  });
  it('compare', () => {
    expect(compareHlc(h(1, 0), h(2, 0))).toBe(-1);
    expect(compareHlc(h(2, 0), h(1, 9))).toBe(1);
    expect(compareHlc(h(2, 1), h(2, 0))).toBe(1);
    expect(compareHlc(h(2, 1, 'a'), h(2, 1, 'b'))).toBe(-1);
    expect(compareHlc(h(2, 1), h(2, 1))).toBe(0);
  });
});
