/** The compact signed ticket (PG2): round trip, QR size, forgery, and old PG1 tickets still valid. */
import QRCode from 'qrcode';
import { describe, expect, it } from 'vitest';
import {
  base32Decode, base32Encode, COMPACT_TICKET_MAC_BYTES, parseTicketCode, signCompactTicket, signTicket, type TicketKey,
} from './ticket-codec.js';

const secret = (seed: number) => Uint8Array.from({ length: 32 }, (_, i) => (i * 29 + seed * 13 + 3) & 0xff);
const KEY: TicketKey = { id: 'k1a2b3c4d', secret: secret(1) };
const LONG_KEY: TicketKey = { id: 'kiosk-key_with-a-long-name-0001', secret: secret(2) };
const OTHER: TicketKey = { id: KEY.id, secret: secret(3) };
const secrets = new Map([[KEY.id, KEY.secret], [LONG_KEY.id, LONG_KEY.secret]]);
const kiosks = new Map([[KEY.id, 'kiosk-01'], [LONG_KEY.id, 'kiosk-02']]);
const keys = (id: string) => secrets.get(id);
const kioskOf = (id: string) => kiosks.get(id);

const PAYLOAD = {
  sessionId: '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b',
  zoneId: '0190a1b2-0000-7000-8000-00000000000a',
  slotNumber: 'A-01',
  entryAtMs: 1_720_000_000_123,
};
const CODE = signCompactTicket(PAYLOAD, KEY);

describe('compact tickets (PG2)', () => {
  it('sign -> parse gives the payload back, with the kiosk that owns the key', () => {
    expect(CODE).toMatch(/^PG2[A-Z2-7]+$/);
    expect(parseTicketCode(CODE, keys, kioskOf)).toEqual({ ok: true, kind: 'signed', code: CODE, keyId: KEY.id, payload: { ...PAYLOAD, kioskId: 'kiosk-01' } });
    const booked = signCompactTicket({ ...PAYLOAD, entryAtMs: null }, LONG_KEY);
    expect(parseTicketCode(`${booked}\r\n`, keys, kioskOf)).toMatchObject({ ok: true, keyId: LONG_KEY.id, payload: { entryAtMs: null, kioskId: 'kiosk-02' } });
    const unicodeSlot = signCompactTicket({ ...PAYLOAD, slotNumber: 'ब-07' }, KEY);
    expect(parseTicketCode(unicodeSlot, keys, kioskOf)).toMatchObject({ ok: true, payload: { slotNumber: 'ब-07' } });
  });

  it('is at most QR version 4 (level M, as the screen and the printer draw it); PG1 was not', () => {
    const typical = QRCode.create(CODE, { errorCorrectionLevel: 'M' });
    expect(CODE.length).toBeLessThanOrEqual(90);
    expect(typical.version).toBeLessThanOrEqual(4);
    // A walk-in (entry at the id's time) with an 8-byte slot number still fits version 4.
    const walkIn = signCompactTicket({ ...PAYLOAD, slotNumber: 'P2-B-117', entryAtMs: 0x0190a1b2c3d4 + 3 }, KEY);
    expect(walkIn.length).toBeLessThanOrEqual(90);
    expect(QRCode.create(walkIn, { errorCorrectionLevel: 'M' }).version).toBe(4);
    const old = signTicket({ ...PAYLOAD, kioskId: 'kiosk-01' }, KEY);
    expect(QRCode.create(old, { errorCorrectionLevel: 'M' }).version).toBeGreaterThan(4);
  });

  it('old PG1 tickets stay valid through the same parser', () => {
    const old = signTicket({ ...PAYLOAD, kioskId: 'kiosk-01' }, KEY);
    expect(parseTicketCode(old, keys, kioskOf)).toEqual({ ok: true, kind: 'signed', code: old, keyId: KEY.id, payload: { ...PAYLOAD, kioskId: 'kiosk-01' } });
    expect(parseTicketCode(old, keys)).toMatchObject({ ok: true });
  });

  it('wrong key BAD_SIGNATURE; unknown key or unknown owner UNKNOWN_KEY; no owner lookup UNKNOWN_KEY', () => {
    expect(parseTicketCode(signCompactTicket(PAYLOAD, OTHER), keys, kioskOf)).toEqual({ ok: false, reason: 'BAD_SIGNATURE' });
    expect(parseTicketCode(signCompactTicket(PAYLOAD, { id: 'k00000000', secret: secret(1) }), keys, kioskOf)).toEqual({ ok: false, reason: 'UNKNOWN_KEY' });
    expect(parseTicketCode(CODE, keys, () => undefined)).toEqual({ ok: false, reason: 'UNKNOWN_KEY' });
    expect(parseTicketCode(CODE, keys)).toEqual({ ok: false, reason: 'UNKNOWN_KEY' });
    expect(parseTicketCode(CODE, () => { throw new Error('x'); }, kioskOf)).toEqual({ ok: false, reason: 'UNKNOWN_KEY' });
  });

  it('non-canonical base32 (padding bits, lower case, padding, bad length) is MALFORMED', () => {
    const body = CODE.slice(3);
    const bytes = base32Decode(body)!;
    expect(base32Encode(bytes)).toBe(body);
    expect(parseTicketCode(`PG2${body.toLowerCase()}`, keys, kioskOf)).toEqual({ ok: false, reason: 'MALFORMED' });
    expect(parseTicketCode(`PG2${body}=`, keys, kioskOf)).toEqual({ ok: false, reason: 'MALFORMED' });
    expect(parseTicketCode(`PG2.${body}`, keys, kioskOf)).toEqual({ ok: false, reason: 'MALFORMED' });
    expect(parseTicketCode('PG2', keys, kioskOf)).toEqual({ ok: false, reason: 'MALFORMED' });
    expect(parseTicketCode('PG2A', keys, kioskOf)).toEqual({ ok: false, reason: 'MALFORMED' });
    expect(base32Decode('AA')).toEqual(new Uint8Array(1));
    expect(base32Decode('AB')).toBeNull(); // the low bits of the last character are not zero
    // An authentic tag over a body with trailing junk or an unknown flag is still refused.
    expect(parseTicketCode(`PG2${base32Encode(Uint8Array.from([...bytes.subarray(0, bytes.length - COMPACT_TICKET_MAC_BYTES), 0, ...bytes.subarray(bytes.length - COMPACT_TICKET_MAC_BYTES)]))}`, keys, kioskOf).ok).toBe(false);
  });

  it('entry times before, at and long after the id time round-trip; long slot numbers too', () => {
    for (const entryAtMs of [0, 0x0190a1b2c3d4, 0x0190a1b2c3d4 - 1, 0x0190a1b2c3d4 + 1, 0x0190a1b2c3d4 + 64, 0x0190a1b2c3d4 - 64, 2 ** 48 - 1]) {
      for (const slotNumber of ['A', 'B-1', 'x'.repeat(15), 'y'.repeat(16), 'z'.repeat(64)]) {
        const code = signCompactTicket({ ...PAYLOAD, entryAtMs, slotNumber }, KEY);
        expect(parseTicketCode(code, keys, kioskOf)).toMatchObject({ ok: true, payload: { entryAtMs, slotNumber } });
      }
    }
  });

  it('refuses to sign what does not fit', () => {
    expect(() => signCompactTicket({ ...PAYLOAD, sessionId: 'not-a-uuid' }, KEY)).toThrow(RangeError);
    expect(() => signCompactTicket({ ...PAYLOAD, slotNumber: '' }, KEY)).toThrow(RangeError);
    expect(() => signCompactTicket({ ...PAYLOAD, entryAtMs: 2 ** 49 }, KEY)).toThrow(RangeError);
    expect(() => signCompactTicket({ ...PAYLOAD, slotNumber: 'x'.repeat(65) }, KEY)).toThrow(RangeError);
    expect(() => signCompactTicket(PAYLOAD, { id: 'k1', secret: new Uint8Array(8) })).toThrow(RangeError);
  });

  it('100 000 mutated codes are all refused (substitute, insert, delete, swap)', () => {
    const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
    let seed = 12345;
    const rnd = (n: number) => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return (seed >>> 8) % n;
    };
    const codes = [CODE, signCompactTicket({ ...PAYLOAD, entryAtMs: null }, LONG_KEY)];
    let refused = 0;
    const reasons = new Map<string, number>();
    for (let n = 0; n < 100_000; n++) {
      const code = codes[n % 2]!;
      const body = [...code.slice(3)];
      const i = rnd(body.length);
      const kind = rnd(4);
      if (kind === 0) {
        let c = ALPHABET[rnd(32)]!;
        while (c === body[i]) c = ALPHABET[rnd(32)]!;
        body[i] = c;
      } else if (kind === 1) body.splice(i, 0, ALPHABET[rnd(32)]!);
      else if (kind === 2) body.splice(i, 1);
      else {
        const j = i + 1 < body.length ? i + 1 : i - 1;
        if (body[i] === body[j]) body[i] = body[i] === 'A' ? 'B' : 'A';
        else [body[i], body[j]] = [body[j]!, body[i]!];
      }
      const mutated = `PG2${body.join('')}`;
      expect(mutated).not.toBe(code);
      const r = parseTicketCode(mutated, keys, kioskOf);
      if (!r.ok) {
        refused++;
        reasons.set(r.reason, (reasons.get(r.reason) ?? 0) + 1);
      }
    }
    expect(refused).toBe(100_000);
    expect(reasons.get('BAD_SIGNATURE')).toBeGreaterThan(10_000); // most reach the MAC, and it holds
  });
});
