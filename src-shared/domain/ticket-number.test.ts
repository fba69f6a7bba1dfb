import { describe, expect, it } from 'vitest';
import {
  checkSymbol, formatTicketNumber, idTailsOf, parseTicketNumber, TICKET_NUMBER_ALPHABET, TICKET_NUMBER_LENGTH, ticketNumberOf,
} from './ticket-number.js';

/** Deterministic UUID-like ids (a simple LCG keeps the test repeatable). */
function ids(n: number): string[] {
  let x = 0x2545f491;
  const hex = (len: number) => {
    let s = '';
    for (let i = 0; i < len; i++) {
      x = (Math.imul(x, 1103515245) + 12345) >>> 0;
      s += ((x >>> 16) & 15).toString(16);
    }
    return s;
  };
  return Array.from({ length: n }, () => `${hex(8)}-${hex(4)}-7${hex(3)}-8${hex(3)}-${hex(12)}`);
}

describe('short ticket numbers', () => {
  it('the alphabet has 32 symbols and none of 0 O 1 I', () => {
    expect(new Set(TICKET_NUMBER_ALPHABET).size).toBe(32);
    for (const c of '0O1I') expect(TICKET_NUMBER_ALPHABET).not.toContain(c);
  });

  it('a UUID gives a 10-character number that parses back, in any case and with separators', () => {
    const id = '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b';
    const n = ticketNumberOf(id)!;
    expect(n).toHaveLength(TICKET_NUMBER_LENGTH);
    expect(ticketNumberOf(id)).toBe(n);
    const parsed = parseTicketNumber(n);
    expect(parsed.ok).toBe(true);
    for (const typed of [formatTicketNumber(n), n.toLowerCase(), ` ${n.slice(0, 3)} ${n.slice(3)} `]) {
      expect(parseTicketNumber(typed)).toEqual(parsed);
    }
    // The number points back at the id's last group (one of 8 candidates for the 3 bits it drops).
    if (parsed.ok) expect(idTailsOf(parsed.value)).toContain(id.slice(24));
    expect(ticketNumberOf('not-a-uuid')).toBeNull();
  });

  it('look-alikes, other characters, wrong lengths and non-strings are refused', () => {
    const n = ticketNumberOf(ids(1)[0]!)!;
    for (const c of '0O1I') expect(parseTicketNumber(c + n.slice(1))).toEqual({ ok: false, reason: 'BAD_CHARACTER' });
    for (const bad of ['', n.slice(1), `${n}2`, `${n.slice(0, 9)}!`, 'x'.repeat(5000), null, 42, {}]) {
      expect(parseTicketNumber(bad).ok).toBe(false);
    }
  });

  it('every single-character substitution is detected (500 numbers x 10 positions x 31 symbols)', () => {
    let tried = 0;
    for (const id of ids(500)) {
      const n = ticketNumberOf(id)!;
      for (let i = 0; i < n.length; i++) {
        for (const c of TICKET_NUMBER_ALPHABET) {
          if (c === n[i]) continue;
          const typo = n.slice(0, i) + c + n.slice(i + 1);
          expect(parseTicketNumber(typo), typo).toEqual({ ok: false, reason: 'BAD_CHECK' });
          tried++;
        }
      }
    }
    expect(tried).toBe(500 * 10 * 31);
  });

  it('every adjacent transposition (and every other swap) of two different characters is detected', () => {
    let adjacent = 0;
    for (const id of ids(2000)) {
      const n = ticketNumberOf(id)!;
      for (let i = 0; i < n.length; i++) {
        for (let j = i + 1; j < n.length; j++) {
          if (n[i] === n[j]) continue;
          const a = [...n];
          [a[i], a[j]] = [a[j]!, a[i]!];
          expect(parseTicketNumber(a.join('')).ok, `${n} swap ${i},${j}`).toBe(false);
          if (j === i + 1) adjacent++;
        }
      }
    }
    expect(adjacent).toBeGreaterThan(2000 * 8);
  });

  it('the check is exhaustive for adjacent pairs: no two different symbol pairs swap to the same sum', () => {
    // For every position and every ordered pair of different symbols the weighted sums differ.
    for (let i = 0; i < 8; i++) {
      for (let x = 0; x < 32; x++) {
        for (let y = 0; y < 32; y++) {
          if (x === y) continue;
          const d = new Array<number>(9).fill(0);
          const e = new Array<number>(9).fill(0);
          d[i] = x; d[i + 1] = y;
          e[i] = y; e[i + 1] = x;
          expect(checkSymbol(d)).not.toBe(checkSymbol(e));
        }
      }
    }
  });
});
