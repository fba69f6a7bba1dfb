/** Adapter for the local gateway simulator's native API (PAYMENT_GATEWAY=sim). */
import type { SimConfig } from '../../config.js';
import type { CreateGatewayPayment, GatewayEvent, GatewayPaymentCreated, PaymentGateway, PaymentRefs, RefundRequest } from '../gateway.js';
import { GatewayError } from '../gateway.js';
import { requestJson } from '../http.js';
import { simPaymentSchema, simRefundSchema } from './wire.js';

export class SimGateway implements PaymentGateway {
  readonly name = 'sim' as const;
  constructor(private readonly cfg: SimConfig) {}

  async create(input: CreateGatewayPayment): Promise<GatewayPaymentCreated> {
    const res = simPaymentSchema.safeParse(
      await requestJson({ method: 'POST', url: `${this.cfg.apiBase}/sim/v1/payments`, body: input }),
    );
    if (!res.success) throw new GatewayError('sim: unexpected create answer');
    return { gatewayRef: res.data.id, upiUri: res.data.upiUri };
  }

  async fetchStatus(refs: PaymentRefs): Promise<GatewayEvent> {
    const res = simPaymentSchema.safeParse(
      await requestJson({ method: 'GET', url: `${this.cfg.apiBase}/sim/v1/payments/${encodeURIComponent(refs.gatewayRef)}` }),
    );
    if (!res.success) throw new GatewayError('sim: unexpected status answer');
    const p = res.data;
    const outcome = p.status === 'paid' ? 'SUCCESS' : p.status === 'failed' ? 'FAILED' : 'PENDING';
    return {
      gateway: this.name,
      eventKey: `poll:${p.id}:${outcome}`,
      eventType: `poll:${p.status}`,
      outcome,
      gatewayRef: p.id,
      merchantRef: p.merchantRef,
      amountPaise: p.paidAmountPaise,
      currency: 'INR',
      gatewayPaymentId: p.paymentId,
    };
  }

  async close(refs: PaymentRefs): Promise<void> {
    await requestJson({ method: 'POST', url: `${this.cfg.apiBase}/sim/v1/payments/${encodeURIComponent(refs.gatewayRef)}/close`, body: {} });
  }

  async refund(input: RefundRequest): Promise<{ refundId: string }> {
    const res = simRefundSchema.safeParse(
      await requestJson({
        method: 'POST',
        url: `${this.cfg.apiBase}/sim/v1/payments/${encodeURIComponent(input.gatewayRef)}/refund`,
        body: { amountPaise: input.amountPaise, idempotencyKey: input.idempotencyKey, ...(input.gatewayPaymentId ? { paymentId: input.gatewayPaymentId } : {}) },
      }),
    );
    if (!res.success) throw new GatewayError('sim: unexpected refund answer');
    return { refundId: res.data.refundId };
  }
}
