/** Razorpay wire format (QR codes, orders + S2S UPI intent, payments, refunds) with HTTP Basic auth, as the real API. */
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
    order_id: p.kind === 'order' ? p.ref : null,
    method: 'upi',
    notes: { merchant_ref: p.merchantRef },
  };
}

/** A QR / order paid more than once lists every capture, like the real payments collection. */
const extraEntities = (p: SimPayment) => (p.extraCaptures ?? []).map((c) => ({ ...paymentEntity(p), id: c.id, amount: c.amountPaise, status: 'captured' }));

export function orderEntity(p: SimPayment) {
  const paid = p.status === 'paid' ? (p.paidAmountPaise ?? 0) : 0;
  return {
    id: p.ref,
    entity: 'order',
    amount: p.amountPaise,
    amount_paid: paid,
    amount_due: Math.max(0, p.amountPaise - paid),
    currency: 'INR',
    receipt: p.receipt ?? null,
    status: p.status === 'paid' ? 'paid' : p.attempted ? 'attempted' : 'created',
    attempts: p.attempted ? 1 : 0,
    notes: { merchant_ref: p.merchantRef },
    created_at: Math.floor(p.createdAt / 1000),
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
    const items = p.paymentId && (p.status === 'paid' || p.status === 'failed') ? [paymentEntity(p), ...extraEntities(p)] : [];
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
    const capture = store.byCapture('razorpay', id);
    if (!capture) return rzpError(reply, 400, 'The payment has not been captured');
    const p = capture.p;
    const amount = bodyOf(req).amount;
    if (typeof amount !== 'number' || amount <= 0 || amount > capture.paidAmountPaise) return rzpError(reply, 400, 'invalid refund amount');
    const r = store.refund(p, key, amount);
    return { id: r.id, entity: 'refund', amount: r.amountPaise, currency: 'INR', payment_id: id, status: 'processed' };
  });

  // Orders API + S2S UPI intent (RAZORPAY_MODE=order).
  app.post('/v1/orders', async (req, reply) => {
    if (!authed(req, reply)) return reply;
    const b = bodyOf(req);
    if (typeof b.amount !== 'number' || !Number.isInteger(b.amount) || b.amount < 100) return rzpError(reply, 400, 'The amount must be at least INR 1.00');
    if (b.currency !== 'INR') return rzpError(reply, 400, 'currency INR is required');
    if (b.receipt !== undefined && (typeof b.receipt !== 'string' || b.receipt.length > 40)) return rzpError(reply, 400, 'The receipt may not be greater than 40 characters');
    const notes = (b.notes ?? {}) as Record<string, unknown>;
    const receipt = typeof b.receipt === 'string' ? b.receipt : null;
    const p = store.add({
      flavour: 'razorpay', kind: 'order', ref: simId('order_'), receipt, attempted: false,
      merchantRef: typeof notes.merchant_ref === 'string' ? notes.merchant_ref : receipt ?? simId('ref_'),
      amountPaise: b.amount, description: '', createdAt: now(), closeBy: null, status: 'created', closed: false,
      paymentId: null, paidAmountPaise: null, upiUri: '', refunds: new Map(),
    });
    return orderEntity(p);
  });

  const order = (id: string) => {
    const p = store.get('razorpay', id);
    return p?.kind === 'order' ? p : undefined;
  };

  app.get('/v1/orders/:id', async (req, reply) => {
    if (!authed(req, reply)) return reply;
    const p = order((req.params as { id: string }).id);
    return p ? orderEntity(p) : rzpError(reply, 400, 'The id provided does not exist');
  });

  app.get('/v1/orders/:id/payments', async (req, reply) => {
    if (!authed(req, reply)) return reply;
    const p = order((req.params as { id: string }).id);
    if (!p) return rzpError(reply, 400, 'The id provided does not exist');
    const items = p.paymentId && (p.status === 'paid' || p.status === 'failed') ? [paymentEntity(p), ...extraEntities(p)] : [];
    return { entity: 'collection', count: items.length, items };
  });

  app.post('/v1/payments/create/upi', async (req, reply) => {
    if (!authed(req, reply)) return reply;
    const b = bodyOf(req);
    const p = typeof b.order_id === 'string' ? order(b.order_id) : undefined;
    if (!p) return rzpError(reply, 400, 'The order id provided does not exist');
    if (p.status === 'paid') return rzpError(reply, 400, 'Order has already been paid');
    if (b.amount !== p.amountPaise || b.currency !== 'INR') return rzpError(reply, 400, 'The amount must match the order amount');
    const upi = (b.upi ?? {}) as Record<string, unknown>;
    if (b.method !== 'upi' || upi.flow !== 'intent') return rzpError(reply, 400, 'only method upi with flow intent is simulated');
    if (typeof b.contact !== 'string' || !b.contact || typeof b.email !== 'string' || !b.email) return rzpError(reply, 400, 'contact and email are required');
    p.attempted = true;
    p.status = 'created';
    p.paymentId = simId('pay_');
    if (typeof b.description === 'string') p.description = b.description;
    p.upiUri = buildUpiUri({ vpa: cfg.vpa, payeeName: cfg.payeeName, txnRef: p.paymentId, note: p.description || 'Payment', amountPaise: p.amountPaise });
    return { razorpay_payment_id: p.paymentId, link: p.upiUri };
  });
}
