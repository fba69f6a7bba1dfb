/** PhonePe v1 wire format: pay (UPI_QR), status, refund — each X-VERIFY checked like the real API. */
import type { FastifyInstance, FastifyReply } from 'fastify';
import { phonePePayChecksum, phonePeStatusChecksum } from '../payments/phonepe/checksum.js';
import { buildUpiUri } from '../payments/upi.js';
import { safeEqual } from '../util/hash.js';
import type { SimulatorConfig } from './config.js';
import { bodyOf } from './json.js';
import type { SimStore } from './store.js';

const fail = (reply: FastifyReply, status: number, code: string, message: string) => reply.status(status).send({ success: false, code, message });

function decodeRequest(b: Record<string, unknown>): { base64: string; json: Record<string, unknown> } | null {
  if (typeof b.request !== 'string') return null;
  try {
    const json: unknown = JSON.parse(Buffer.from(b.request, 'base64').toString('utf8'));
    return json && typeof json === 'object' ? { base64: b.request, json: json as Record<string, unknown> } : null;
  } catch {
    return null;
  }
}

export function registerPhonePeApi(app: FastifyInstance, cfg: SimulatorConfig, store: SimStore, now: () => number): void {
  const pp = cfg.phonepe;
  if (!pp) return;

  app.post('/pg/v1/pay', async (req, reply) => {
    const decoded = decodeRequest(bodyOf(req));
    if (!decoded) return fail(reply, 400, 'BAD_REQUEST', 'request must be base64 JSON');
    if (!safeEqual(String(req.headers['x-verify'] ?? ''), phonePePayChecksum(decoded.base64, '/pg/v1/pay', pp.saltKey, pp.saltIndex))) {
      return fail(reply, 401, 'UNAUTHORIZED', 'X-VERIFY mismatch');
    }
    const r = decoded.json;
    const mtid = r.merchantTransactionId;
    const amount = r.amount;
    if (r.merchantId !== pp.merchantId) return fail(reply, 400, 'BAD_REQUEST', 'unknown merchant');
    if (typeof mtid !== 'string' || mtid.length >= 35 || !/^[A-Za-z0-9_-]+$/.test(mtid)) return fail(reply, 400, 'BAD_REQUEST', 'merchantTransactionId invalid');
    if (typeof amount !== 'number' || !Number.isInteger(amount) || amount < 100) return fail(reply, 400, 'BAD_REQUEST', 'amount must be >= 100 paise');
    if (store.get('phonepe', mtid)) return fail(reply, 400, 'DUPLICATE_TRANSACTION', 'merchantTransactionId already used');
    const upiUri = buildUpiUri({ vpa: cfg.vpa, payeeName: cfg.payeeName, txnRef: mtid, note: 'Parking fee', amountPaise: amount });
    store.add({ flavour: 'phonepe', ref: mtid, merchantRef: mtid, amountPaise: amount, description: 'Parking fee', createdAt: now(), closeBy: null, status: 'created', closed: false, paymentId: null, paidAmountPaise: null, upiUri, refunds: new Map() });
    return { success: true, code: 'PAYMENT_INITIATED', message: 'Payment initiated', data: { merchantId: pp.merchantId, merchantTransactionId: mtid, instrumentResponse: { type: 'UPI_QR', qrData: upiUri } } };
  });

  app.get('/pg/v1/status/:mid/:mtid', async (req, reply) => {
    const { mid, mtid } = req.params as { mid: string; mtid: string };
    const path = `/pg/v1/status/${mid}/${mtid}`;
    if (!safeEqual(String(req.headers['x-verify'] ?? ''), phonePeStatusChecksum(path, pp.saltKey, pp.saltIndex)) || req.headers['x-merchant-id'] !== pp.merchantId) {
      return fail(reply, 401, 'UNAUTHORIZED', 'X-VERIFY mismatch');
    }
    const p = store.get('phonepe', mtid);
    if (!p || mid !== pp.merchantId) return fail(reply, 404, 'TRANSACTION_NOT_FOUND', 'No transaction');
    const code = p.status === 'paid' ? 'PAYMENT_SUCCESS' : p.status === 'failed' ? 'PAYMENT_ERROR' : 'PAYMENT_PENDING';
    return {
      success: p.status === 'paid',
      code,
      message: code,
      data: { merchantId: pp.merchantId, merchantTransactionId: mtid, transactionId: p.paymentId, amount: p.status === 'paid' ? p.paidAmountPaise : p.amountPaise, state: p.status === 'paid' ? 'COMPLETED' : p.status === 'failed' ? 'FAILED' : 'PENDING', responseCode: code },
    };
  });

  app.post('/pg/v1/refund', async (req, reply) => {
    const decoded = decodeRequest(bodyOf(req));
    if (!decoded) return fail(reply, 400, 'BAD_REQUEST', 'request must be base64 JSON');
    if (!safeEqual(String(req.headers['x-verify'] ?? ''), phonePePayChecksum(decoded.base64, '/pg/v1/refund', pp.saltKey, pp.saltIndex))) {
      return fail(reply, 401, 'UNAUTHORIZED', 'X-VERIFY mismatch');
    }
    const r = decoded.json;
    const p = typeof r.originalTransactionId === 'string' ? store.get('phonepe', r.originalTransactionId) : undefined;
    if (!p || p.status !== 'paid') return fail(reply, 400, 'BAD_REQUEST', 'original transaction not paid');
    if (typeof r.merchantTransactionId !== 'string' || typeof r.amount !== 'number' || r.amount <= 0 || r.amount > (p.paidAmountPaise ?? 0)) {
      return fail(reply, 400, 'BAD_REQUEST', 'invalid refund');
    }
    const refund = store.refund(p, r.merchantTransactionId, r.amount);
    return { success: true, code: 'PAYMENT_SUCCESS', message: 'Refund processed', data: { merchantId: pp.merchantId, merchantTransactionId: r.merchantTransactionId, transactionId: refund.id, amount: refund.amountPaise, state: 'COMPLETED' } };
  });
}
