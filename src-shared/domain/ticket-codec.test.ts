import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AppError } from '../contracts/errors.js';
import {
  base64UrlDecode,
  base64UrlEncode,
  isBookingCode,
  newBookingCode,
  parseTicketCode,
  signTicket,
  TICKET_MAX_LENGTH,
  ticketError,
  type TicketKey,
  type TicketKeyLookup,
  type TicketParse,
  type TicketPayload,
} from './ticket-codec.js';

const secret = (seed: number) => Uint8Array.from({ length: 32 }, (_, i) => (i * 31 + seed * 17 + 7) & 0xff);
const K1: TicketKey = { id: 'k1', secret: secret(1) };
const K2: TicketKey = { id: 'kiosk-02_2025', secret: secret(2) };
const KEYS = new Map<string, Uint8Array>([
  [K1.id, K1.secret],
  [K2.id, K2.secret],
  ['short', new Uint8Array(8)],
]);
const lookup: TicketKeyLookup = (id) => KEYS.get(id);

const PAYLOAD: TicketPayload = {
  sessionId: '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b',
  zoneId: '0190a1b2-0000-7000-8000-00000000000a',
  slotNumber: 'A-01',
  entryAtMs: 1_720_000_000_123,
  kioskId: 'kiosk-01',
};
const TICKET = signTicket(PAYLOAD, K1);

/** Same MAC construction as the codec, over an arbitrary payload text, to build authentic-but-bad tickets. */
function signRaw(keyId: string, sec: Uint8Array, payloadBytes: Uint8Array): string {
  const signed = `PG1.${keyId}.${base64UrlEncode(payloadBytes)}`;
  const tag = hmac(sha256, sec, new TextEncoder().encode(signed)).subarray(0, 16);
  return `${signed}.${base64UrlEncode(tag)}`;
}
const rawJson = (json: string) => signRaw(K1.id, K1.secret, new TextEncoder().encode(json));

function expectSigned(r: TicketParse, code: string, keyId: string, payload: TicketPayload) {
  expect(r).toEqual({ ok: true, kind: 'signed', code, keyId, payload });
}

describe('booking codes', () => {
  it.each([
    ['QR-0123456789AB', 'QR-0123456789AB'],
    ['QR-FFFFFFFFFFFF', 'QR-FFFFFFFFFFFF'],
    ['QR-0123456789AB\r\n', 'QR-0123456789AB'],
    ['  QR-0123456789AB\t', 'QR-0123456789AB'],
    ['\uFEFFQR-0123456789AB\n', 'QR-0123456789AB'],
  ])('%j is accepted as %s', (text, code) => {
    expect(parseTicketCode(text, lookup)).toEqual({ ok: true, kind: 'booking', code });
  });

  it.each([
    'QR-0123456789ab',
    'qr-0123456789AB',
    'QR-0123456789A',
    'QR-0123456789ABC',
    'QR-0123456789AG',
    'QR_0123456789AB',
    'QR-0123 456789AB',
    'QR-0123456789AB\u0000',
    'QR0123456789AB',
    'QR-',
    '',
    '   \r\n',
    'QR-０123456789AB',
  ])('%j is MALFORMED', (text) => {
    expect(parseTicketCode(text, lookup)).toEqual({ ok: false, reason: 'MALFORMED' });
  });

  it('newBookingCode', () => {
    expect(newBookingCode(new Uint8Array([0x01, 0x23, 0x45, 0x67, 0x89, 0xab]))).toBe('QR-0123456789AB');
    expect(newBookingCode(new Uint8Array([0, 0, 0, 0, 0, 0, 9, 9]))).toBe('QR-000000000000');
    expect(newBookingCode(new Uint8Array(6).fill(255))).toBe('QR-FFFFFFFFFFFF');
    expect(() => newBookingCode(new Uint8Array(5))).toThrow(RangeError);
    const c = newBookingCode(new Uint8Array([0xde, 0xad, 0xbe, 0xef, 0x00, 0x10]));
    expect(isBookingCode(c)).toBe(true);
    expect(parseTicketCode(c, lookup)).toEqual({ ok: true, kind: 'booking', code: 'QR-DEADBEEF0010' });
  });
});

describe('signed tickets: round trip', () => {
  it('has the documented shape, only QR-safe characters, and is short', () => {
    expect(TICKET).toMatch(/^PG1\.k1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{22}$/);
    expect(TICKET.length).toBeLessThan(220);
    const body = TICKET.split('.')[2]!;
    expect(new TextDecoder().decode(base64UrlDecode(body)!)).toBe(
      '["0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b","0190a1b2-0000-7000-8000-00000000000a","A-01",1720000000123,"kiosk-01"]',
    );
  });

  it('is deterministic', () => {
    expect(signTicket({ ...PAYLOAD }, K1)).toBe(TICKET);
  });

  it('round-trips', () => {
    expectSigned(parseTicketCode(TICKET, lookup), TICKET, 'k1', PAYLOAD);
  });

  it('ignores scanner CR/LF and surrounding spaces', () => {
    expectSigned(parseTicketCode(`  ${TICKET}\r\n`, lookup), TICKET, 'k1', PAYLOAD);
  });

  it('round-trips null entry time, unicode fields and a second key', () => {
    const p: TicketPayload = { sessionId: 's-1', zoneId: 'ज़ोन-B', slotNumber: 'B-05 "north"', entryAtMs: null, kioskId: 'k\\2' };
    const t = signTicket(p, K2);
    expect(t).toMatch(/^[A-Za-z0-9._-]+$/);
    expectSigned(parseTicketCode(t, lookup), t, K2.id, p);
  });

  it('round-trips boundary values', () => {
    const p: TicketPayload = { sessionId: 'x'.repeat(64), zoneId: 'z', slotNumber: '1', entryAtMs: 0, kioskId: 'y'.repeat(64) };
    expectSigned(parseTicketCode(signTicket(p, K1), lookup), signTicket(p, K1), 'k1', p);
    const q = { ...p, entryAtMs: Number.MAX_SAFE_INTEGER };
    expectSigned(parseTicketCode(signTicket(q, K1), lookup), signTicket(q, K1), 'k1', q);
  });

  it('property: every valid payload round-trips', () => {
    const field = fc.string({ unit: 'grapheme', minLength: 1, maxLength: 20 });
    fc.assert(
      fc.property(field, field, field, fc.option(fc.maxSafeNat(), { nil: null }), field, (sessionId, zoneId, slotNumber, entryAtMs, kioskId) => {
        const p: TicketPayload = { sessionId, zoneId, slotNumber, entryAtMs, kioskId };
        let t: string;
        try {
          t = signTicket(p, K1);
        } catch (e) {
          expect(e).toBeInstanceOf(RangeError); // e.g. a control character or > 64 UTF-16 units
          return;
        }
        expect(parseTicketCode(t, lookup)).toEqual({ ok: true, kind: 'signed', code: t, keyId: 'k1', payload: p });
      }),
      { numRuns: 1000, seed: 42 },
    );
  });
});

describe('signed tickets: rejection', () => {
  const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.=+/ \n\u0000é';

  it('every single-character substitution is rejected', () => {
    let tried = 0;
    for (let i = 0; i < TICKET.length; i++) {
      for (const c of ALPHABET) {
        if (c === TICKET[i]) continue;
        const m = TICKET.slice(0, i) + c + TICKET.slice(i + 1);
        const r = parseTicketCode(m, lookup);
        if (r.ok) throw new Error(`accepted substitution at ${i} with ${JSON.stringify(c)}: ${m}`);
        tried++;
      }
    }
    expect(tried).toBe(TICKET.length * (ALPHABET.length - 1));
  });

  it('every single-character deletion and (non-whitespace) insertion is rejected', () => {
    for (let i = 0; i < TICKET.length; i++) {
      expect(parseTicketCode(TICKET.slice(0, i) + TICKET.slice(i + 1), lookup).ok).toBe(false);
    }
    for (let i = 0; i <= TICKET.length; i++) {
      for (const c of 'Aa0-_.=') {
        expect(parseTicketCode(TICKET.slice(0, i) + c + TICKET.slice(i), lookup).ok).toBe(false);
      }
    }
  });

  it('a MAC differing only in the unused padding bits is rejected (strict base64)', () => {
    const last = TICKET[TICKET.length - 1]!;
    const idx = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'.indexOf(last);
    expect(idx % 16).toBe(0); // 22 chars carry 128 bits: the last char's low 4 bits are padding
    const alias = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'[idx + 1]!;
    expect(parseTicketCode(TICKET.slice(0, -1) + alias, lookup)).toEqual({ ok: false, reason: 'MALFORMED' });
  });

  it('wrong secret for a known key id -> BAD_SIGNATURE', () => {
    const forged = signTicket(PAYLOAD, { id: 'k1', secret: secret(99) });
    expect(parseTicketCode(forged, lookup)).toEqual({ ok: false, reason: 'BAD_SIGNATURE' });
  });

  it('payload swapped from another ticket -> BAD_SIGNATURE', () => {
    const other = signTicket({ ...PAYLOAD, slotNumber: 'A-02' }, K1);
    const [p, k, , tag] = TICKET.split('.');
    const spliced = [p, k, other.split('.')[2], tag].join('.');
    expect(parseTicketCode(spliced, lookup)).toEqual({ ok: false, reason: 'BAD_SIGNATURE' });
  });

  it('relabelled key id -> BAD_SIGNATURE', () => {
    expect(parseTicketCode(TICKET.replace('PG1.k1.', `PG1.${K2.id}.`), lookup)).toEqual({ ok: false, reason: 'BAD_SIGNATURE' });
  });

  it('unknown key id -> UNKNOWN_KEY', () => {
    const t = signTicket(PAYLOAD, { id: 'k9', secret: secret(9) });
    expect(parseTicketCode(t, lookup)).toEqual({ ok: false, reason: 'UNKNOWN_KEY' });
    expect(parseTicketCode(TICKET, () => undefined)).toEqual({ ok: false, reason: 'UNKNOWN_KEY' });
  });

  it('a lookup that throws, returns junk or a weak secret -> UNKNOWN_KEY, never a throw', () => {
    expect(parseTicketCode(TICKET, () => { throw new Error('db gone'); })).toEqual({ ok: false, reason: 'UNKNOWN_KEY' });
    expect(parseTicketCode(TICKET, () => 'secret' as unknown as Uint8Array)).toEqual({ ok: false, reason: 'UNKNOWN_KEY' });
    const weak = signRaw('short', new Uint8Array(8), new TextEncoder().encode('["a","b","c",1,"d"]'));
    expect(parseTicketCode(weak, lookup)).toEqual({ ok: false, reason: 'UNKNOWN_KEY' });
    const proto: Record<string, Uint8Array> = {};
    expect(parseTicketCode(TICKET.replace('PG1.k1.', 'PG1.__proto__.'), (id) => proto[id])).toEqual({ ok: false, reason: 'UNKNOWN_KEY' });
  });

  it('the raw signer matches signTicket (so the cases below are authentic)', () => {
    const t = rawJson('["a","b","c",1,"d"]');
    expectSigned(parseTicketCode(t, lookup), t, 'k1', { sessionId: 'a', zoneId: 'b', slotNumber: 'c', entryAtMs: 1, kioskId: 'd' });
  });

  it.each([
    ['entryAtMs fractional', '["a","b","c",1.5,"d"]'],
    ['entryAtMs negative', '["a","b","c",-1,"d"]'],
    ['entryAtMs string', '["a","b","c","1","d"]'],
    ['entryAtMs unsafe', '["a","b","c",9007199254740992,"d"]'],
    ['entryAtMs exponent spelling', '["a","b","c",1e3,"d"]'],
    ['field a number', '[1,"b","c",1,"d"]'],
    ['field null', '["a",null,"c",1,"d"]'],
    ['empty field', '["a","","c",1,"d"]'],
    ['field 65 chars', `["${'a'.repeat(65)}","b","c",1,"d"]`],
    ['control character', '["a","b\\u0007","c",1,"d"]'],
    ['lone surrogate', '["a","\\ud800","c",1,"d"]'],
    ['4 fields', '["a","b","c",1]'],
    ['6 fields', '["a","b","c",1,"d","e"]'],
    ['object', '{"sessionId":"a"}'],
    ['non-canonical whitespace', '["a", "b","c",1,"d"]'],
    ['non-canonical escape', '["\\u0061","b","c",1,"d"]'],
    ['not JSON', 'hello'],
    ['empty', ''],
  ])('authentic but bad payload (%s) -> MALFORMED', (_label, json) => {
    expect(parseTicketCode(rawJson(json), lookup)).toEqual({ ok: false, reason: 'MALFORMED' });
  });

  it('authentic but invalid UTF-8 -> MALFORMED', () => {
    const bytes = new Uint8Array([0x5b, 0x22, 0xff, 0x22, 0x5d]);
    expect(parseTicketCode(signRaw('k1', K1.secret, bytes), lookup)).toEqual({ ok: false, reason: 'MALFORMED' });
  });

  it.each([
    ['too long', 'PG1.k1.' + 'A'.repeat(TICKET_MAX_LENGTH)],
    ['too long even if whitespace', TICKET + ' '.repeat(TICKET_MAX_LENGTH)],
    ['3 parts', 'PG1.k1.AAAA'],
    ['5 parts', `${TICKET}.AAAA`],
    ['bad prefix', TICKET.replace('PG1.', 'PG2.')],
    ['lower-case prefix', TICKET.replace('PG1.', 'pg1.')],
    ['empty key id', TICKET.replace('PG1.k1.', 'PG1..')],
    ['key id too long', TICKET.replace('PG1.k1.', `PG1.${'k'.repeat(33)}.`)],
    ['short tag', TICKET.slice(0, -1)],
    ['padded tag', `${TICKET}==`],
    ['empty body', `PG1.k1..${TICKET.split('.')[3]}`],
    ['body with bad length', TICKET.split('.').map((x, i) => (i === 2 ? `A${x}` : x)).join('.')],
    ['inner whitespace', TICKET.slice(0, 10) + ' ' + TICKET.slice(10)],
  ])('%s -> MALFORMED', (_label, text) => {
    expect(parseTicketCode(text, lookup)).toEqual({ ok: false, reason: 'MALFORMED' });
  });

  it('non-string input never throws', () => {
    for (const v of [undefined, null, 42, {}, [], Symbol('x'), new Uint8Array(3)]) {
      expect(parseTicketCode(v as unknown as string, lookup)).toEqual({ ok: false, reason: 'MALFORMED' });
    }
    expect(parseTicketCode(TICKET, null as unknown as TicketKeyLookup)).toEqual({ ok: false, reason: 'UNKNOWN_KEY' });
  });
});

describe('signTicket argument checks', () => {
  it.each([
    ['key id with a dot', PAYLOAD, { id: 'k.1', secret: secret(1) }],
    ['empty key id', PAYLOAD, { id: '', secret: secret(1) }],
    ['short secret', PAYLOAD, { id: 'k1', secret: new Uint8Array(15) }],
    ['empty field', { ...PAYLOAD, zoneId: '' }, K1],
    ['65-char field', { ...PAYLOAD, slotNumber: 's'.repeat(65) }, K1],
    ['newline in field', { ...PAYLOAD, kioskId: 'a\nb' }, K1],
    ['fractional time', { ...PAYLOAD, entryAtMs: 1.5 }, K1],
    ['NaN time', { ...PAYLOAD, entryAtMs: NaN }, K1],
    ['non-string id', { ...PAYLOAD, sessionId: 5 as unknown as string }, K1],
  ] as [string, TicketPayload, TicketKey][])('%s throws RangeError', (_l, p, k) => {
    expect(() => signTicket(p, k)).toThrow(RangeError);
  });
});

describe('ticketError', () => {
  it.each(['MALFORMED', 'UNKNOWN_KEY', 'BAD_SIGNATURE'] as const)('%s -> TICKET_INVALID', (reason) => {
    const e = ticketError({ ok: false, reason });
    expect(e).toBeInstanceOf(AppError);
    expect(e.code).toBe('TICKET_INVALID');
    expect(e.details).toEqual({ reason });
    expect(e.message).toMatch(/\.$/);
  });
  it('distinct messages', () => {
    const msgs = (['MALFORMED', 'UNKNOWN_KEY', 'BAD_SIGNATURE'] as const).map((reason) => ticketError({ ok: false, reason }).message);
    expect(new Set(msgs).size).toBe(3);
  });
});

describe('base64url', () => {
  const reference = (b: Uint8Array) =>
    btoa(String.fromCharCode(...b)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  it('matches the platform base64 (url alphabet, no padding) on every length up to 40', () => {
    for (let n = 0; n <= 40; n++) {
      const b = Uint8Array.from({ length: n }, (_, i) => (i * 73 + n) & 0xff);
      const s = base64UrlEncode(b);
      expect(s).toBe(reference(b));
      expect(base64UrlDecode(s)).toEqual(b);
    }
  });
  it.each(['A', 'AB', 'AAA=', 'A+B/', 'AR', 'AAB', 'ÀA'])('%j is not canonical -> null', (s) => {
    expect(base64UrlDecode(s)).toBeNull();
  });
});

// ----------------------------------------------------------------------------- fuzz

function mulberry32(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('fuzz: 100,000 random and mutated strings', () => {
  it('never throws and never accepts anything but an original ticket', () => {
    const rand = mulberry32(0xc0ffee);
    const int = (n: number) => Math.floor(rand() * n);
    const pick = <T,>(xs: readonly T[]): T => xs[int(xs.length)]!;

    const originals = new Map<string, { keyId: string; payload: TicketPayload }>();
    const payloads: TicketPayload[] = [
      PAYLOAD,
      { ...PAYLOAD, slotNumber: 'A-02' },
      { ...PAYLOAD, entryAtMs: null },
      { ...PAYLOAD, entryAtMs: PAYLOAD.entryAtMs! + 1 },
      { sessionId: 's', zoneId: 'B', slotNumber: 'B-05', entryAtMs: 0, kioskId: 'kiosk-ज़' },
    ];
    for (const p of payloads) {
      for (const k of [K1, K2]) originals.set(signTicket(p, k), { keyId: k.id, payload: p });
    }
    const tickets = [...originals.keys()];
    const bookings = ['QR-0123456789AB', 'QR-FFFFFFFFFFFF', 'QR-A1B2C3D4E5F6'];
    const CHARSETS = [
      'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_',
      '.',
      '0123456789ABCDEF',
      ' \t\r\n\u00a0\ufeff',
      '=+/%"\\{}[]:,',
      'QRPG1-.',
    ];
    const randChar = () => {
      const r = rand();
      if (r < 0.85) return pick([...pick(CHARSETS)]);
      if (r < 0.95) return String.fromCharCode(int(0x80)); // any ASCII incl. controls
      return String.fromCharCode(int(0x10000)); // any UTF-16 unit incl. lone surrogates
    };
    const randString = (max: number) => {
      let s = '';
      const n = int(max + 1);
      for (let i = 0; i < n; i++) s += randChar();
      return s;
    };
    const mutate = (s: string): string => {
      const ops = 1 + int(4);
      for (let k = 0; k < ops; k++) {
        const i = int(s.length + 1);
        switch (int(8)) {
          case 0: s = s.slice(0, i) + randChar() + s.slice(i + 1); break; // replace
          case 1: s = s.slice(0, i) + randChar() + s.slice(i); break; // insert
          case 2: s = s.slice(0, i) + s.slice(i + 1); break; // delete
          case 3: s = s.slice(0, i) + (s[i + 1] ?? '') + (s[i] ?? '') + s.slice(i + 2); break; // swap
          case 4: s = s.slice(0, i); break; // truncate
          case 5: { // flip one bit of one character
            const c = s.charCodeAt(i);
            if (!Number.isNaN(c)) s = s.slice(0, i) + String.fromCharCode(c ^ (1 << int(7))) + s.slice(i + 1);
            break;
          }
          case 6: { // splice a segment from another ticket
            const parts = s.split('.');
            const other = pick(tickets).split('.');
            const j = int(4);
            parts[j] = other[j] ?? '';
            s = parts.join('.');
            break;
          }
          default: s = s.slice(0, i) + s.slice(int(s.length + 1)); // cut or duplicate a range
        }
      }
      return s;
    };

    const N = 100_000;
    const counts = { booking: 0, signed: 0, MALFORMED: 0, UNKNOWN_KEY: 0, BAD_SIGNATURE: 0 };
    let mutatedSigned = 0;
    for (let n = 0; n < N; n++) {
      const kind = int(10);
      let s: string;
      if (kind < 2) s = randString(120);
      else if (kind < 6) s = mutate(pick(tickets));
      else if (kind === 6) {
        // Structure-preserving: swap 1-2 characters for other base64url characters (reaches the MAC check).
        s = pick(tickets);
        for (let k = 1 + int(2); k > 0; k--) {
          const i = 4 + int(s.length - 4);
          if (s[i] !== '.') s = s.slice(0, i) + pick([...CHARSETS[0]!]) + s.slice(i + 1);
        }
      }
      else if (kind === 7) s = mutate(pick(bookings));
      else if (kind === 8) s = `PG1.${pick(['k1', K2.id, 'k9', 'short'])}.${randString(60)}.${randString(24)}`;
      else s = n % 1000 === 0 ? 'A'.repeat(TICKET_MAX_LENGTH + int(5000)) : pick(tickets);

      let r: TicketParse;
      try {
        r = parseTicketCode(s, lookup);
      } catch (e) {
        throw new Error(`parseTicketCode threw on ${JSON.stringify(s)}: ${String(e)}`);
      }
      if (r.ok && r.kind === 'signed') {
        counts.signed++;
        const orig = originals.get(r.code);
        // Accepted only if the text is exactly an original ticket (possibly with surrounding whitespace).
        if (!orig || s.trim() !== r.code) throw new Error(`accepted a forged ticket: ${JSON.stringify(s)}`);
        expect(r.keyId).toBe(orig.keyId);
        expect(r.payload).toEqual(orig.payload);
        if (kind < 7) mutatedSigned++;
      } else if (r.ok) {
        counts.booking++;
        expect(r.code).toMatch(/^QR-[0-9A-F]{12}$/);
        expect(r.code).toBe(s.trim());
      } else {
        counts[r.reason]++;
      }
    }
    expect(Object.values(counts).reduce((a, b) => a + b, 0)).toBe(N);
    // The generator exercises every outcome.
    expect(counts.signed).toBeGreaterThan(5000);
    expect(counts.booking).toBeGreaterThan(0);
    expect(counts.MALFORMED).toBeGreaterThan(10000);
    expect(counts.UNKNOWN_KEY).toBeGreaterThan(100);
    expect(counts.BAD_SIGNATURE).toBeGreaterThan(15000);
    // Mutations that survive are only no-ops (e.g. swapping two equal characters, whitespace around).
    expect(mutatedSigned).toBeLessThan(N * 0.02);
  }, 30_000);

  it('fast-check: arbitrary strings never throw', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (s) => {
        const r = parseTicketCode(s, lookup);
        expect(typeof r.ok).toBe('boolean');
      }),
      { numRuns: 3000, seed: 7 },
    );
  });
});
