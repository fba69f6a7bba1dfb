/**
 * The simulator's control API (for tests and demos). A payment is named by its gateway ref
 * (QR id / merchantTransactionId / sim id) or our merchant ref.
 *   GET  /_sim/payments                      all simulated payments
 *   GET  /_sim/payments/:ref                 one
 *   POST /_sim/payments/:ref/pay    { amountPaise?, deliver?, razorpayEvent?, phonepeVersion? }
 *        (Razorpay: qr_code.credited for a QR, order.paid for an order; razorpayEvent overrides,
 *        e.g. payment.captured)
 *        the customer pays (also after close: the "late success" case); sends a signed success webhook;
 *        { secondCapture: true } on a paid one: the customer pays it AGAIN (a new capture id)
 *   POST /_sim/payments/:ref/fail   { deliver?, phonepeVersion? }
 *        sends a signed failure webhook (after a success: the "out-of-order" case; state stays paid)
 *   GET  /_sim/events                        every built event
 *   POST /_sim/events/:id/deliver   { newId? }  send a stored event again (replay), or with a new id
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { SimulatorConfig } from './config.js';
import { bodyOf } from './json.js';
import type { SimPayment, SimStore } from './store.js';
import { simId } from './store.js';
import { buildEvent, deliver, withNewEventId } from './webhooks.js';

const view = (p: SimPayment) => ({
  flavour: p.flavour, kind: p.kind ?? null, ref: p.ref, merchantRef: p.merchantRef, amountPaise: p.amountPaise, status: p.status, closed: p.closed,
  paymentId: p.paymentId, paidAmountPaise: p.paidAmountPaise, upiUri: p.upiUri, refunds: [...p.refunds.values()], extraCaptures: p.extraCaptures ?? [],
});

export function registerControlApi(app: FastifyInstance, cfg: SimulatorConfig, store: SimStore, now: () => number): void {
  const find = (ref: string, reply: FastifyReply) => {
    const p = store.find(ref);
    if (!p) void reply.status(404).send({ error: `no simulated payment ${ref}` });
    return p;
  };

  app.get('/_sim/payments', async () => [...store.payments.values()].map(view));
  app.get('/_sim/payments/:ref', async (req, reply) => {
    const p = find((req.params as { ref: string }).ref, reply);
    return p ? view(p) : reply;
  });

  app.post('/_sim/payments/:ref/pay', async (req, reply) => {
    const p = find((req.params as { ref: string }).ref, reply);
    if (!p) return reply;
    const b = bodyOf(req);
    const amount = typeof b.amountPaise === 'number' ? b.amountPaise : p.amountPaise;
    let captureId: string | undefined;
    if (p.status === 'paid' && b.secondCapture === true) {
      captureId = simId(p.flavour === 'razorpay' ? 'pay_' : 'T');
      (p.extraCaptures ??= []).push({ id: captureId, amountPaise: amount });
    } else if (p.status !== 'paid') {
      // An order's S2S intent already named its payment; anything else is a new capture.
      const intentPayment = p.kind === 'order' && p.status === 'created' ? p.paymentId : null;
      p.status = 'paid';
      p.paymentId = intentPayment ?? simId(p.flavour === 'razorpay' ? 'pay_' : 'T');
      p.paidAmountPaise = amount;
    }
    const event = buildEvent(cfg, p, {
      kind: 'success',
      amountPaise: amount,
      razorpayEvent: typeof b.razorpayEvent === 'string' ? b.razorpayEvent : undefined,
      phonepeVersion: b.phonepeVersion === 'v2' ? 'v2' : 'v1',
      nowMs: now(),
      ...(captureId ? { paymentId: captureId } : {}),
    });
    store.events.set(event.eventId, event);
    const delivered = b.deliver === false ? null : await deliver(cfg, event);
    return { eventId: event.eventId, payment: view(p), delivered, captureId: captureId ?? p.paymentId };
  });

  app.post('/_sim/payments/:ref/fail', async (req, reply) => {
    const p = find((req.params as { ref: string }).ref, reply);
    if (!p) return reply;
    const b = bodyOf(req);
    if (p.status === 'created') {
      p.status = 'failed';
      p.paymentId = (p.kind === 'order' ? p.paymentId : null) ?? simId(p.flavour === 'razorpay' ? 'pay_' : 'T');
    }
    const event = buildEvent(cfg, p, { kind: 'failure', amountPaise: p.amountPaise, phonepeVersion: b.phonepeVersion === 'v2' ? 'v2' : 'v1', nowMs: now() });
    store.events.set(event.eventId, event);
    const delivered = b.deliver === false ? null : await deliver(cfg, event);
    return { eventId: event.eventId, payment: view(p), delivered };
  });

  app.get('/_sim/events', async () => [...store.events.values()].map((e) => ({ eventId: e.eventId, flavour: e.flavour, ref: e.ref, kind: e.kind })));

  app.post('/_sim/events/:id/deliver', async (req, reply) => {
    const stored = store.events.get((req.params as { id: string }).id);
    if (!stored) return reply.status(404).send({ error: 'no such event' });
    const event = bodyOf(req).newId === true ? withNewEventId(stored) : stored;
    store.events.set(event.eventId, event);
    return { eventId: event.eventId, delivered: await deliver(cfg, event) };
  });
}
