/** The pass QR code: round trip, QR size, and every way a scan is refused (never a throw). */
import QRCode from 'qrcode';
import { describe, expect, it } from 'vitest';
import { isPassCodeText, parsePassCode, signPassCode } from '../../src-shared/domain/season-pass-code.js';

const key = { id: 'gate-a', secret: new Uint8Array(32).fill(7) };
const keys = (id: string) => (id === key.id ? key.secret : undefined);
const PASS = '0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b';

describe('pass code', () => {
  it('round-trips and fits a QR code of version 4 or less at M', () => {
    const code = signPassCode(PASS, 'main', key);
    expect(parsePassCode(code, keys, 'main')).toEqual({ ok: true, passId: PASS });
    expect(parsePassCode(` ${code}\n`, keys, 'main')).toEqual({ ok: true, passId: PASS });
    expect(isPassCodeText(code)).toBe(true);
    expect(QRCode.create(code, { errorCorrectionLevel: 'M' }).version).toBeLessThanOrEqual(4);
  });
  it('refuses forged, unknown-key, other-facility and malformed codes', () => {
    const code = signPassCode(PASS, 'main', key);
    const [p, k, body, mac] = code.split('.') as [string, string, string, string];
    const flipped = body.slice(0, 5) + (body[5] === 'A' ? 'B' : 'A') + body.slice(6);
    expect(parsePassCode(`${p}.${k}.${flipped}.${mac}`, keys, 'main')).toEqual({ ok: false, reason: 'BAD_SIGNATURE' });
    expect(parsePassCode(code, () => undefined, 'main')).toEqual({ ok: false, reason: 'UNKNOWN_KEY' });
    expect(parsePassCode(code, () => { throw new Error('x'); }, 'main')).toEqual({ ok: false, reason: 'UNKNOWN_KEY' });
    expect(parsePassCode(code, keys, 'airport')).toEqual({ ok: false, reason: 'WRONG_FACILITY' });
    for (const bad of ['', 'PP1', 'PP1.a.b.c', 'PV1.gate-a.x.y', code + 'x'.repeat(100), `${p}.${k}.${body}`]) {
      expect(parsePassCode(bad, keys, 'main'), bad).toEqual({ ok: false, reason: 'MALFORMED' });
    }
    expect(() => signPassCode('not-a-uuid', 'main', key)).toThrow(RangeError);
  });
});
