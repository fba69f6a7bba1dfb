/** Signature and checksum helpers against the known values in payments.md, plus the pure payment rules. */
import { createHash, createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { kioskSignature, kioskSigningKey, signKioskRequest } from '../../src-shared/protocol/kiosk-signing.js';
import { decide } from '../../src-server/payments/decide.js';
import type { GatewayEvent } from '../../src-server/payments/gateway.js';
import {
  phonePeCallbackChecksum,
  phonePePayChecksum,
  phonePeStatusChecksum,
  phonePeV2Authorization,
  verifyPhonePeCallback,
  verifyPhonePeV2Authorization,
} from '../../src-server/payments/phonepe/checksum.js';
import { nextPollOffset } from '../../src-server/payments/poll-schedule.js';
import { razorpayCheckoutSignature, razorpayWebhookSignature, verifyRazorpayWebhook } from '../../src-server/payments/razorpay/signature.js';
import { buildUpiUri, maskVpa } from '../../src-server/payments/upi.js';
import { sha256Hex } from '../../src-server/util/hash.js';
import { paiseToRupees } from '../../src-server/util/money.js';

describe('Razorpay signatures (known values from the official SDK tests)', () => {
  it('webhook: HMAC-SHA256 over the raw body', () => {
    const body = '{"a":1,"b":2,"c":{"d":3}}';
    const expected = '2fe04e22977002e6c7cb553adab8b460cb9e2a4970d5953cb27a8472752e3bbc';
    expect(razorpayWebhookSignature(body, '123456')).toBe(expected);
    expect(verifyRazorpayWebhook(Buffer.from(body), expected, '123456')).toBe(true);
    expect(verifyRazorpayWebhook(Buffer.from(body), expected.toUpperCase(), '123456')).toBe(true);
    expect(verifyRazorpayWebhook(Buffer.from(body.replace('1', '2')), expected, '123456')).toBe(false);
    expect(verifyRazorpayWebhook(Buffer.from(body), expected, '1234567')).toBe(false);
    expect(verifyRazorpayWebhook(Buffer.from(body), undefined, '123456')).toBe(false);
    expect(verifyRazorpayWebhook(Buffer.from(body), 'not-hex', '123456')).toBe(false);
    // The same JSON re-serialised differently is a different body: verification is on raw bytes.
    expect(verifyRazorpayWebhook(Buffer.from('{"a":1, "b":2,"c":{"d":3}}'), expected, '123456')).toBe(false);
  });
  it('checkout: order_id|payment_id', () => {
    expect(razorpayCheckoutSignature('fake_order_id', 'fake_payment_id', 'key_secret')).toBe(
      'b2335e3b0801106b84a7faff035df56ecffde06918c9ddd1f0fafbb37a51cc89',
    );
  });
});

describe('PhonePe checksums', () => {
  const salt = '099eb0cd-02cf-4e2a-8aca-3e6c6aff0399';
  it('v2 webhook Authorization = sha256hex(username:password) (known value)', () => {
    const expected = 'bc842c31a9e54efe320d30d948be61291f3ceee4766e36ab25fa65243cd76e0e';
    expect(phonePeV2Authorization('username', 'password')).toBe(expected);
    expect(verifyPhonePeV2Authorization(expected, 'username', 'password')).toBe(true);
    expect(verifyPhonePeV2Authorization(`SHA256 ${expected}`, 'username', 'password')).toBe(true);
    expect(verifyPhonePeV2Authorization(expected, 'username', 'passw0rd')).toBe(false);
    expect(verifyPhonePeV2Authorization(undefined, 'username', 'password')).toBe(false);
  });
  it('v1 X-VERIFY = sha256hex(payload + salt) ### index, for pay, status and callback', () => {
    const b64 = Buffer.from('{"merchantId":"M"}').toString('base64');
    expect(phonePePayChecksum(b64, '/pg/v1/pay', salt, '1')).toBe(`${sha256Hex(`${b64}/pg/v1/pay${salt}`)}###1`);
    expect(phonePeStatusChecksum('/pg/v1/status/M/T1', salt, '2')).toBe(`${sha256Hex(`/pg/v1/status/M/T1${salt}`)}###2`);
    const cb = phonePeCallbackChecksum(b64, salt, '1');
    expect(cb).toBe(`${sha256Hex(b64 + salt)}###1`);
    expect(verifyPhonePeCallback(b64, cb, salt, '1')).toBe(true);
    expect(verifyPhonePeCallback(b64, cb.replace('###1', '###2'), salt, '1')).toBe(false);
    expect(verifyPhonePeCallback(`${b64}=`, cb, salt, '1')).toBe(false);
  });
});

describe('kiosk request signing', () => {
  it('derives the key and signs the documented canonical form (recomputed here independently)', () => {
    const secret = 's3cret-enrolment-value';
    const key = createHmac('sha256', secret).update('parkgate/kiosk-signing/v1').digest('hex');
    expect(kioskSigningKey(secret)).toBe(key);
    const body = '{"sessionId":"s1"}';
    const bodyHash = createHash('sha256').update(body).digest('hex');
    const expected = createHmac('sha256', key).update(`POST\n/kiosk/v1/payments\n1700000000000\n${bodyHash}`).digest('hex');
    const nonce = '0123456789abcdef0123456789abcdef';
    const withNonce = createHmac('sha256', key).update(`POST\n/kiosk/v1/payments\n1700000000000\n${nonce}\n${bodyHash}`).digest('hex');
    const headers = signKioskRequest(key, 'post', '/kiosk/v1/payments', 1_700_000_000_000, body, nonce);
    expect(headers).toEqual({ 'x-kiosk-timestamp': '1700000000000', 'x-kiosk-nonce': nonce, 'x-kiosk-signature': withNonce });
    expect(signKioskRequest(key, 'POST', '/p', 1, '')['x-kiosk-nonce']).not.toBe(signKioskRequest(key, 'POST', '/p', 1, '')['x-kiosk-nonce']);
    expect(signKioskRequest(key, 'POST', '/p', 1, '')['x-kiosk-nonce']).toMatch(/^[0-9a-f]{32}$/);
    expect(kioskSignature(key, 'POST', '/kiosk/v1/payments', '1700000000000', Buffer.from(body))).toBe(expected);
    expect(kioskSignature(key, 'POST', '/kiosk/v1/payments', '1700000000000', `${body} `)).not.toBe(expected);
    expect(kioskSignature(key, 'POST', '/kiosk/v1/payments?x=1', '1700000000000', body)).not.toBe(expected);
  });
});

describe('UPI link', () => {
  it('rupees with two decimals, percent-encoded values', () => {
    expect(buildUpiUri({ vpa: 'park gate@ybl', payeeName: 'ParkGate & Co', txnRef: 'PG1', note: 'Parking KA01', amountPaise: 4000 })).toBe(
      'upi://pay?pa=park%20gate%40ybl&pn=ParkGate%20%26%20Co&tr=PG1&tn=Parking%20KA01&am=40.00&cu=INR',
    );
    expect(paiseToRupees(5)).toBe('0.05');
    expect(paiseToRupees(12345)).toBe('123.45');
    expect(() => paiseToRupees(1.5)).toThrow();
    expect(maskVpa('ramesh@okaxis')).toBe('ra***@okaxis');
  });
});

describe('PhonePe polling schedule', () => {
  it('20 s, every 3 s to 50 s, 6 s to 110 s, 10 s to 170 s, 30 s to 230 s, then every minute', () => {
    const times: number[] = [];
    let t = 0;
    while (t < 400_000) {
      t = nextPollOffset(t);
      times.push(t / 1000);
    }
    expect(times.slice(0, 12)).toEqual([20, 23, 26, 29, 32, 35, 38, 41, 44, 47, 50, 56]);
    expect(times).toContain(110);
    expect(times).toContain(120);
    expect(times).toContain(170);
    expect(times).toContain(200);
    expect(times).toContain(230);
    expect(times.filter((x) => x > 230).slice(0, 3)).toEqual([290, 350, 410]);
    expect(nextPollOffset(21_500)).toBe(23_000);
  });
});

describe('decide (payment event rule)', () => {
  const evt = (o: Partial<GatewayEvent>): GatewayEvent => ({
    gateway: 'razorpay', eventKey: 'e', eventType: 't', outcome: 'SUCCESS', gatewayRef: 'qr_1', merchantRef: 'PG1', amountPaise: 4000, currency: 'INR', gatewayPaymentId: 'pay_1', ...o,
  });
  const pending = { status: 'PENDING' as const, amountPaise: 4000, merchantRef: 'PG1' };
  it('SUCCESS only with exact amount, INR and matching reference', () => {
    expect(decide(pending, evt({}))).toMatchObject({ kind: 'transition', to: 'SUCCESS', late: false });
    expect(decide(pending, evt({ amountPaise: 3999 }))).toMatchObject({ kind: 'review', reason: 'AMOUNT_MISMATCH' });
    expect(decide(pending, evt({ amountPaise: null }))).toMatchObject({ kind: 'review', reason: 'AMOUNT_MISMATCH' });
    expect(decide(pending, evt({ merchantRef: 'PG2' }))).toMatchObject({ kind: 'review', reason: 'REFERENCE_MISMATCH' });
    expect(decide(pending, evt({ currency: 'USD' }))).toMatchObject({ kind: 'review', reason: 'CURRENCY_MISMATCH' });
  });
  it('late success after EXPIRED is kept and flagged; failures after success change nothing', () => {
    expect(decide({ ...pending, status: 'EXPIRED' }, evt({}))).toMatchObject({ kind: 'transition', to: 'SUCCESS', late: true, reviewReason: 'LATE_PAYMENT' });
    expect(decide({ ...pending, status: 'SUCCESS' }, evt({ outcome: 'FAILED' }))).toEqual({ kind: 'noop', outcome: 'stale_failure' });
    expect(decide({ ...pending, status: 'SUCCESS' }, evt({}))).toEqual({ kind: 'noop', outcome: 'already_final' });
    expect(decide({ ...pending, status: 'REFUNDED' }, evt({}))).toEqual({ kind: 'noop', outcome: 'already_final' });
    expect(decide(pending, evt({ outcome: 'FAILED' }))).toMatchObject({ kind: 'transition', to: 'FAILED' });
    expect(decide(pending, evt({ outcome: 'PENDING' }))).toEqual({ kind: 'noop', outcome: 'pending' });
  });
});
