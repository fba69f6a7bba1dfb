/** The loop debounce at its boundary: a level held debounceMs - 1 does not count, debounceMs does. */
import { describe, expect, it } from 'vitest';
import { Debouncer } from '../../src-main/lane/loops/debounce.js';

describe('Debouncer', () => {
  it('takes the first sample as the truth', () => {
    const d = new Debouncer(100);
    expect(d.value).toBeNull();
    expect(d.sample(true, 0)).toBe(true);
    expect(d.value).toBe(true);
  });

  it('changes only once the new level has held for debounceMs (99 no, 100 yes)', () => {
    const d = new Debouncer(100);
    d.sample(false, 0);
    expect(d.sample(true, 1000)).toBe(false);
    expect(d.sample(true, 1099)).toBe(false);
    expect(d.value).toBe(false);
    expect(d.sample(true, 1100)).toBe(true);
    expect(d.value).toBe(true);
  });

  it('a bounce back restarts the wait: chatter never gets through', () => {
    const d = new Debouncer(100);
    d.sample(false, 0);
    let changes = 0;
    for (let t = 10; t < 2000; t += 10) if (d.sample(Math.floor(t / 50) % 2 === 0, t)) changes++;
    expect(changes).toBe(0);
    expect(d.value).toBe(false);
  });

  it('debounceMs 0 follows every sample', () => {
    const d = new Debouncer(0);
    d.sample(false, 0);
    expect(d.sample(true, 1)).toBe(true);
    expect(d.sample(false, 1)).toBe(true);
  });
});
