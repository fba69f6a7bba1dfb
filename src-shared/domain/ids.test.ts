import { describe, expect, it } from 'vitest';
import { isUuid, isUuidV7, uuidv7, uuidv7Time } from './ids.js';

const RAND = new Uint8Array([0x0c, 0xc3, 0x18, 0xc4, 0xdc, 0x0c, 0x0c, 0x07, 0x39, 0x8f]);

describe('uuidv7', () => {
  it('matches the RFC 9562 appendix A.6 example', () => {
    // unix_ts_ms 0x017F22E279B0, rand_a 0xCC3, rand_b 0x18C4DC0C0C07398F
    expect(uuidv7(0x017f22e279b0, RAND)).toBe('017f22e2-79b0-7cc3-98c4-dc0c0c07398f');
  });

  it('sets version 7 and variant 10 whatever the random bytes', () => {
    expect(uuidv7(0, new Uint8Array(10).fill(0xff))).toBe('00000000-0000-7fff-bfff-ffffffffffff');
    expect(uuidv7(0, new Uint8Array(10))).toBe('00000000-0000-7000-8000-000000000000');
  });

  it('encodes the largest 48-bit time', () => {
    expect(uuidv7(2 ** 48 - 1, new Uint8Array(10))).toBe('ffffffff-ffff-7000-8000-000000000000');
  });

  it('uses only the first 10 random bytes', () => {
    const long = new Uint8Array(16).fill(0xee);
    long.set(RAND);
    expect(uuidv7(0x017f22e279b0, long)).toBe('017f22e2-79b0-7cc3-98c4-dc0c0c07398f');
  });

  it('round-trips the time and sorts by time', () => {
    const times = [0, 1, 255, 256, 65535, 65536, 2 ** 32 - 1, 2 ** 32, 1_700_000_000_000, 1_700_000_000_001, 2 ** 48 - 1];
    const ids = times.map((t, i) => uuidv7(t, new Uint8Array(10).fill(255 - i * 20)));
    ids.forEach((id, i) => {
      expect(isUuid(id)).toBe(true);
      expect(isUuidV7(id)).toBe(true);
      expect(uuidv7Time(id)).toBe(times[i]);
    });
    expect([...ids].sort()).toEqual(ids);
  });

  it.each([-1, 1.5, NaN, 2 ** 48])('rejects time %d', (t) => {
    expect(() => uuidv7(t, RAND)).toThrow(RangeError);
  });
  it('rejects fewer than 10 random bytes', () => {
    expect(() => uuidv7(0, new Uint8Array(9))).toThrow(RangeError);
  });
});

describe('isUuid', () => {
  it.each([
    ['017f22e2-79b0-7cc3-98c4-dc0c0c07398f', true, true],
    ['017F22E2-79B0-7CC3-98C4-DC0C0C07398F', true, true],
    ['550e8400-e29b-41d4-a716-446655440000', true, false],
    ['017f22e2-79b0-7cc3-c8c4-dc0c0c07398f', true, false], // wrong variant
    ['017f22e279b07cc398c4dc0c0c07398f', false, false],
    ['017f22e2-79b0-7cc3-98c4-dc0c0c07398', false, false],
    ['017f22e2-79b0-7cc3-98c4-dc0c0c07398f ', false, false],
    ['g17f22e2-79b0-7cc3-98c4-dc0c0c07398f', false, false],
    ['', false, false],
  ])('%s -> uuid %s, v7 %s', (s, uuid, v7) => {
    expect(isUuid(s)).toBe(uuid);
    expect(isUuidV7(s)).toBe(v7);
  });
  it('non-strings', () => {
    expect(isUuid(null)).toBe(false);
    expect(isUuid(42)).toBe(false);
    expect(uuidv7Time('nope')).toBeNull();
  });
});
