/** Razorpay adapter: UPI QR Codes API (single use, fixed amount) with HTTP Basic auth. */
import type { RazorpayConfig } from '../../config.js';
import type { CreateGatewayPayment, GatewayEvent, GatewayPaymentCreated, PaymentGateway, PaymentRefs, RefundRequest } from '../gateway.js';
import { GatewayError } from '../gateway.js';
import { requestJson } from '../http.js';
import { basicAuthHeader } from './signature.js';
import { paymentCollectionSchema, qrCodeSchema, refundSchema } from './wire.js';

export class RazorpayGateway implements PaymentGateway {
  readonly name = 'razorpay' as const;
  private readonly auth: string;

  constructor(private readonly cfg: RazorpayConfig) {
    this.auth = basicAuthHeader(cfg.keyId, cfg.keySecret);
  }

  private call(method: 'GET' | 'POST', path: string, body?: unknown, headers: Record<string, string> = {}) {
    return requestJson({ method, url: `${this.cfg.apiBase}${path}`, body, headers: { authorization: this.auth, ...headers } });
  }

  async create(input: CreateGatewayPayment): Promise<GatewayPaymentCreated> {
    const res = qrCodeSchema.safeParse(
      await this.call('POST', '/payments/qr_codes', {
        type: 'upi_qr',
        name: 'ParkGate',
        usage: 'single_use',
        fixed_amount: true,
        payment_amount: input.amountPaise,
        description: input.description,
        close_by: Math.ceil(input.expiresAt / 1000),
        notes: { merchant_ref: input.merchantRef },
      }),
    );
    if (!res.success) throw new GatewayError('razorpay: unexpected QR answer');
    const upi = res.data.image_content;
    if (!upi || !upi.startsWith('upi://')) throw new GatewayError('razorpay: QR answer has no upi:// content');
    return { gatewayRef: res.data.id, upiUri: upi };
  }

  async fetchStatus(refs: PaymentRefs): Promise<GatewayEvent> {
    const res = paymentCollectionSchema.safeParse(
      await this.call('GET', `/payments/qr_codes/${encodeURIComponent(refs.gatewayRef)}/payments`),
    );
    if (!res.success) throw new GatewayError('razorpay: unexpected payments answer');
    const captured = res.data.items.find((p) => p.status === 'captured');
    const base = { gateway: this.name, gatewayRef: refs.gatewayRef, merchantRef: null, eventType: 'poll' } as const;
    if (!captured) {
      return { ...base, eventKey: `poll:${refs.gatewayRef}:pending`, outcome: 'PENDING', amountPaise: null, currency: null, gatewayPaymentId: null };
    }
    // Keyed by the Razorpay payment id so a poll and a later poll of the same capture dedup.
    return {
      ...base,
      eventKey: `poll:${captured.id}:captured`,
      outcome: 'SUCCESS',
      amountPaise: captured.amount,
      currency: captured.currency,
      gatewayPaymentId: captured.id,
    };
  }

  async close(refs: PaymentRefs): Promise<void> {
    await this.call('POST', `/payments/qr_codes/${encodeURIComponent(refs.gatewayRef)}/close`);
  }

  async refund(input: RefundRequest): Promise<{ refundId: string }> {
    if (!input.gatewayPaymentId) throw new GatewayError('razorpay: no captured payment id to refund');
    const res = refundSchema.safeParse(
      await this.call(
        'POST',
        `/payments/${encodeURIComponent(input.gatewayPaymentId)}/refund`,
        { amount: input.amountPaise, speed: 'normal', receipt: input.idempotencyKey.slice(0, 40), notes: { merchant_ref: input.merchantRef } },
        { 'x-refund-idempotency': input.idempotencyKey },
      ),
    );
    if (!res.success) throw new GatewayError('razorpay: unexpected refund answer');
    return { refundId: res.data.id };
  }
}
