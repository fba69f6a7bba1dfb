import { randomBytes } from 'node:crypto';
import QRCode from 'qrcode';
import { describe, expect, it } from 'vitest';
import { parseValidationCode, signValidationCode } from '../../src-shared/domain/validation-code.js';
import type { TicketKey } from '../../src-shared/domain/ticket-codec.js';

const key: TicketKey = { id: 'k0a1b2c3d', secret: new Uint8Array(32).fill(7) };
const other: TicketKey = { id: 'k0a1b2c3d', secret: new Uint8Array(32).fill(8) };
const keys = (id: string) => (id === key.id ? key.secret : undefined);
const PROGRAM = '0193f2a4-5b6c-7d8e-9f01-23456789abcd';
const EXP = 1_765_000_000_000;
const sign = (over: Partial<Parameters<typeof signValidationCode>[0]> = {}, k = key) =>
  signValidationCode({ codeIdBytes: new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]), programId: PROGRAM, facilityId: 'hyd-mall', expiresAtMs: EXP, billPaise: 125000, ...over }, k);
const at = { facilityId: 'hyd-mall', nowMs: EXP };

describe('validation codes', () => {
  it('round-trips and fits a QR code of version 6 or less', () => {
    const code = sign();
    expect(code.length).toBeLessThanOrEqual(90);
    const r = parseValidationCode(`${code}\r\n`, keys, at);
    expect(r).toEqual({ ok: true, code, keyId: key.id, payload: { codeId: 'AQIDBAUGBwg', programId: PROGRAM, facilityId: 'hyd-mall', expiresAtMs: EXP, billPaise: 125000 } });
    expect(QRCode.create(code, { errorCorrectionLevel: 'M' }).version).toBeLessThanOrEqual(6);
    for (let i = 0; i < 20; i++) {
      const c = sign({ codeIdBytes: randomBytes(8), billPaise: null, expiresAtMs: 4_294_967_294_000 });
      expect(QRCode.create(c, { errorCorrectionLevel: 'M' }).version).toBeLessThanOrEqual(6);
    }
  });
  it('no bill reads back as null', () => {
    const r = parseValidationCode(sign({ billPaise: null }), keys, at);
    expect(r.ok && r.payload.billPaise).toBeNull();
  });
  it.each([
    ['at the expiry second', EXP + 999, true],
    ['one second after', EXP + 1000, false],
    ['well before', EXP - 86_400_000, true],
  ])('expiry: %s', (_l, nowMs, ok) => {
    const r = parseValidationCode(sign(), keys, { ...at, nowMs });
    expect(r.ok ? 'ok' : r.reason).toBe(ok ? 'ok' : 'EXPIRED');
  });
  it('a code of another facility is WRONG_FACILITY', () => {
    expect(parseValidationCode(sign({ facilityId: 'other' }), keys, at)).toEqual({ ok: false, reason: 'WRONG_FACILITY' });
  });
  it('a code signed with another secret is BAD_SIGNATURE; an unknown key is UNKNOWN_KEY', () => {
    expect(parseValidationCode(sign({}, other), keys, at)).toEqual({ ok: false, reason: 'BAD_SIGNATURE' });
    expect(parseValidationCode(sign({}, { id: 'kffff', secret: key.secret }), keys, at)).toEqual({ ok: false, reason: 'UNKNOWN_KEY' });
  });
  it('every changed character is refused', () => {
    const code = sign();
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.';
    for (let i = 0; i < code.length; i++) {
      const ch = code[i]!;
      const repl = alphabet[(alphabet.indexOf(ch) + 1) % alphabet.length]!;
      const r = parseValidationCode(code.slice(0, i) + repl + code.slice(i + 1), keys, at);
      expect(r.ok, `position ${i}`).toBe(false);
    }
  });
  it.each(['', 'PV1', 'PV1.k.a.b', 'QR-ABCDEFABCDEF', 'x'.repeat(5000), `PV1.${'k'.repeat(40)}.AAAA.AAAA`])('malformed %#', (text) => {
    expect(parseValidationCode(text, keys, at)).toEqual({ ok: false, reason: 'MALFORMED' });
  });
  it('a key lookup that throws is UNKNOWN_KEY, never a throw', () => {
    expect(parseValidationCode(sign(), () => { throw new Error('boom'); }, at)).toEqual({ ok: false, reason: 'UNKNOWN_KEY' });
  });
  it('signing refuses bad input', () => {
    expect(() => sign({ programId: 'not-a-uuid' })).toThrow(RangeError);
    expect(() => sign({ billPaise: 1.5 })).toThrow(RangeError);
    expect(() => sign({ expiresAtMs: EXP + 1 })).toThrow(RangeError);
    expect(() => sign({ codeIdBytes: new Uint8Array(4) })).toThrow(RangeError);
  });
});
