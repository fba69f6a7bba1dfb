/** The simulator's own small API for PAYMENT_GATEWAY=sim (see payments/sim/wire.ts). */
import type { FastifyInstance } from 'fastify';
import { buildUpiUri } from '../payments/upi.js';
import type { SimulatorConfig } from './config.js';
import { bodyOf } from './json.js';
import type { SimPayment, SimStore } from './store.js';
import { simId } from './store.js';

const wire = (p: SimPayment) => ({ id: p.ref, merchantRef: p.merchantRef, amountPaise: p.amountPaise, status: p.status, paymentId: p.paymentId, paidAmountPaise: p.paidAmountPaise, upiUri: p.upiUri });

export function registerNativeApi(app: FastifyInstance, cfg: SimulatorConfig, store: SimStore, now: () => number): void {
  app.post('/sim/v1/payments', async (req, reply) => {
    const b = bodyOf(req);
    if (typeof b.merchantRef !== 'string' || typeof b.amountPaise !== 'number' || !Number.isInteger(b.amountPaise) || b.amountPaise < 1) {
      return reply.status(400).send({ error: 'merchantRef and amountPaise are required' });
    }
    const ref = simId('sim_');
    const description = typeof b.description === 'string' ? b.description : 'Parking fee';
    const p = store.add({
      flavour: 'sim', ref, merchantRef: b.merchantRef, amountPaise: b.amountPaise, description, createdAt: now(),
      closeBy: typeof b.expiresAt === 'number' ? b.expiresAt : null, status: 'created', closed: false, paymentId: null, paidAmountPaise: null,
      upiUri: buildUpiUri({ vpa: cfg.vpa, payeeName: cfg.payeeName, txnRef: b.merchantRef, note: description, amountPaise: b.amountPaise }),
      refunds: new Map(),
    });
    return wire(p);
  });
  app.get('/sim/v1/payments/:id', async (req, reply) => {
    const p = store.get('sim', (req.params as { id: string }).id);
    return p ? wire(p) : reply.status(404).send({ error: 'not found' });
  });
  app.post('/sim/v1/payments/:id/close', async (req, reply) => {
    const p = store.get('sim', (req.params as { id: string }).id);
    if (!p) return reply.status(404).send({ error: 'not found' });
    p.closed = true;
    if (p.status === 'created') p.status = 'closed';
    return wire(p);
  });
  app.post('/sim/v1/payments/:id/refund', async (req, reply) => {
    const p = store.get('sim', (req.params as { id: string }).id);
    const b = bodyOf(req);
    if (!p || p.status !== 'paid') return reply.status(400).send({ error: 'not paid' });
    // A payment paid twice: `paymentId` names which capture to refund (default: the first).
    const capture = typeof b.paymentId === 'string' ? store.byCapture('sim', b.paymentId) : undefined;
    if (typeof b.paymentId === 'string' && capture?.p !== p) return reply.status(400).send({ error: 'no such capture' });
    const paid = capture?.paidAmountPaise ?? p.paidAmountPaise ?? 0;
    if (typeof b.idempotencyKey !== 'string' || typeof b.amountPaise !== 'number' || b.amountPaise <= 0 || b.amountPaise > paid) {
      return reply.status(400).send({ error: 'invalid refund' });
    }
    return { refundId: store.refund(p, b.idempotencyKey, b.amountPaise).id };
  });
}
