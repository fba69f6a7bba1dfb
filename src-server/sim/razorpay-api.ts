/** Razorpay wire format (QR codes, payments, refunds, orders) with HTTP Basic auth, as the real API. */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { basicAuthHeader } from '../payments/razorpay/signature.js';
import { buildUpiUri } from '../payments/upi.js';
import { safeEqual } from '../util/hash.js';
import type { SimulatorConfig } from './config.js';
import { bodyOf } from './json.js';
import type { SimPayment, SimStore } from './store.js';
import { simId } from './store.js';

const rzpError = (reply: FastifyReply, status: number, description: string) =>
  reply.status(status).send({ error: { code: 'BAD_REQUEST_ERROR', description } });

function paymentEntity(p: SimPayment) {
  return {
    id: p.paymentId,
    entity: 'payment',
    amount: p.paidAmountPaise,
    currency: 'INR',
    status: p.status === 'paid' ? 'captured' : 'failed',
    order_id: null,
    method: 'upi',
    notes: { merchant_ref: p.merchantRef },
  };
}

function qrEntity(p: SimPayment) {
  return {
    id: p.ref,
    entity: 'qr_code',
    type: 'upi_qr',
    usage: 'single_use',
    fixed_amount: true,
    payment_amount: p.amountPaise,
    description: p.description,
    status: p.closed ? 'closed' : 'active',
    close_by: p.closeBy,
    image_content: p.upiUri,
    payments_amount_received: p.status === 'paid' ? p.paidAmountPaise : 0,
    notes: { merchant_ref: p.merchantRef },
  };
}

export function registerRazorpayApi(app: FastifyInstance, cfg: SimulatorConfig, store: SimStore, now: () => number): void {
  const rz = cfg.razorpay;
  if (!rz) return;
  const expectedAuth = basicAuthHeader(rz.keyId, rz.keySecret);
  const authed = (req: FastifyRequest, reply: FastifyReply): boolean => {
    if (safeEqual(req.headers.authorization ?? '', expectedAuth)) return true;
    void rzpError(reply, 401, 'The API key provided is invalid');
    return false;
  };

  app.post('/v1/payments/qr_codes', async (req, reply) => {
    if (!authed(req, reply)) return reply;
    const b = bodyOf(req);
    if (b.type !== 'upi_qr' || b.usage !== 'single_use' || b.fixed_amount !== true) return rzpError(reply, 400, 'only single-use fixed-amount upi_qr is simulated');
    const amount = b.payment_amount;
    if (typeof amount !== 'number' || !Number.isInteger(amount) || amount < 100) return rzpError(reply, 400, 'payment_amount must be at least 100');
    const notes = (b.notes ?? {}) as Record<string, unknown>;
    const merchantRef = typeof notes.merchant_ref === 'string' ? notes.merchant_ref : simId('ref_');
    const ref = simId('qr_');
    const p = store.add({
      flavour: 'razorpay',
      ref,
      merchantRef,
      amountPaise: amount,
      description: typeof b.description === 'string' ? b.description : '',
      createdAt: now(),
      closeBy: typeof b.close_by === 'number' ? b.close_by : null,
      status: 'created',
      closed: false,
      paymentId: null,
      paidAmountPaise: null,
      upiUri: buildUpiUri({ vpa: cfg.vpa, payeeName: cfg.payeeName, txnRef: ref, note: typeof b.description === 'string' ? b.description : 'Payment', amountPaise: amount }),
      refunds: new Map(),
    });
    return qrEntity(p);
  });

  app.get('/v1/payments/qr_codes/:id', async (req, reply) => {
    if (!authed(req, reply)) return reply;
    const p = store.get('razorpay', (req.params as { id: string }).id);
    return p ? qrEntity(p) : rzpError(reply, 400, 'The id provided does not exist');
  });

  app.post('/v1/payments/qr_codes/:id/close', async (req, reply) => {
    if (!authed(req, reply)) return reply;
    const p = store.get('razorpay', (req.params as { id: string }).id);
    if (!p) return rzpError(reply, 400, 'The id provided does not exist');
    p.closed = true;
    if (p.status === 'created') p.status = 'closed';
    return qrEntity(p);
  });

  app.get('/v1/payments/qr_codes/:id/payments', async (req, reply) => {
    if (!authed(req, reply)) return reply;
    const p = store.get('razorpay', (req.params as { id: string }).id);
    if (!p) return rzpError(reply, 400, 'The id provided does not exist');
    const items = p.paymentId && (p.status === 'paid' || p.status === 'failed') ? [paymentEntity(p)] : [];
    return { entity: 'collection', count: items.length, items };
  });

  app.get('/v1/payments/:id', async (req, reply) => {
    if (!authed(req, reply)) return reply;
    const id = (req.params as { id: string }).id;
    const p = [...store.payments.values()].find((x) => x.flavour === 'razorpay' && x.paymentId === id);
    return p ? paymentEntity(p) : rzpError(reply, 400, 'The id provided does not exist');
  });

  app.post('/v1/payments/:id/refund', async (req, reply) => {
    if (!authed(req, reply)) return reply;
    const key = req.headers['x-refund-idempotency'];
    if (typeof key !== 'string' || !/^[A-Za-z0-9_-]{10,}$/.test(key)) return rzpError(reply, 400, 'X-Refund-Idempotency header is invalid');
    const id = (req.params as { id: string }).id;
    const p = [...store.payments.values()].find((x) => x.flavour === 'razorpay' && x.paymentId === id);
    if (!p || p.status !== 'paid') return rzpError(reply, 400, 'The payment has not been captured');
    const amount = bodyOf(req).amount;
    if (typeof amount !== 'number' || amount <= 0 || amount > (p.paidAmountPaise ?? 0)) return rzpError(reply, 400, 'invalid refund amount');
    const r = store.refund(p, key, amount);
    return { id: r.id, entity: 'refund', amount: r.amountPaise, currency: 'INR', payment_id: id, status: 'processed' };
  });

  app.post('/v1/orders', async (req, reply) => {
    if (!authed(req, reply)) return reply;
    const b = bodyOf(req);
    if (typeof b.amount !== 'number' || b.currency !== 'INR') return rzpError(reply, 400, 'amount and currency INR are required');
    return { id: simId('order_'), entity: 'order', amount: b.amount, amount_paid: 0, amount_due: b.amount, currency: 'INR', receipt: b.receipt ?? null, status: 'created', notes: b.notes ?? {} };
  });
}
