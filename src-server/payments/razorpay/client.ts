/**
 * Razorpay adapter, HTTP Basic auth. Two ways to take a UPI payment (RAZORPAY_MODE):
 * - `qr` (default): UPI QR Codes API, single use, fixed amount, closed at the deadline;
 * - `order`: Orders API (`receipt` = our merchant ref) + the S2S UPI intent payment of that order,
 *   whose `upi://` link the kiosk draws. An order cannot be closed: a capture after the deadline is
 *   a late payment (flagged, like PhonePe's).
 * Status polls and closes follow the gateway ref's own kind (`order_…` / `qr_…`), so payments made
 * before a mode change are still settled the right way.
 */
import type { RazorpayConfig } from '../../config.js';
import type { CreateGatewayPayment, GatewayEvent, GatewayPaymentCreated, PaymentGateway, PaymentRefs, RefundRequest } from '../gateway.js';
import { GatewayError } from '../gateway.js';
import { requestJson } from '../http.js';
import { basicAuthHeader } from './signature.js';
import { orderSchema, paymentCollectionSchema, qrCodeSchema, refundSchema, upiIntentSchema } from './wire.js';

const isOrder = (gatewayRef: string) => gatewayRef.startsWith('order_');

export class RazorpayGateway implements PaymentGateway {
  readonly name = 'razorpay' as const;
  private readonly auth: string;

  constructor(private readonly cfg: RazorpayConfig) {
    this.auth = basicAuthHeader(cfg.keyId, cfg.keySecret);
  }

  private call(method: 'GET' | 'POST', path: string, body?: unknown, headers: Record<string, string> = {}) {
    return requestJson({ method, url: `${this.cfg.apiBase}${path}`, body, headers: { authorization: this.auth, ...headers } });
  }

  create(input: CreateGatewayPayment): Promise<GatewayPaymentCreated> {
    return this.cfg.mode === 'order' ? this.createOrder(input) : this.createQr(input);
  }

  private async createQr(input: CreateGatewayPayment): Promise<GatewayPaymentCreated> {
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

  private async createOrder(input: CreateGatewayPayment): Promise<GatewayPaymentCreated> {
    const notes = { merchant_ref: input.merchantRef };
    const order = orderSchema.safeParse(
      await this.call('POST', '/orders', { amount: input.amountPaise, currency: 'INR', receipt: input.merchantRef, notes }),
    );
    if (!order.success || !order.data.id.startsWith('order_')) throw new GatewayError('razorpay: unexpected order answer');
    if (order.data.amount !== input.amountPaise || order.data.currency !== 'INR') throw new GatewayError('razorpay: order answer has another amount');
    const intent = upiIntentSchema.safeParse(
      await this.call('POST', '/payments/create/upi', {
        amount: input.amountPaise,
        currency: 'INR',
        order_id: order.data.id,
        method: 'upi',
        contact: this.cfg.contact,
        email: this.cfg.email,
        description: input.description,
        notes,
        upi: { flow: 'intent' },
      }),
    );
    if (!intent.success) throw new GatewayError('razorpay: unexpected UPI intent answer');
    if (!intent.data.link.startsWith('upi://')) throw new GatewayError('razorpay: UPI intent answer has no upi:// link');
    return { gatewayRef: order.data.id, upiUri: intent.data.link };
  }

  async fetchStatus(refs: PaymentRefs): Promise<GatewayEvent> {
    const id = encodeURIComponent(refs.gatewayRef);
    const path = isOrder(refs.gatewayRef) ? `/orders/${id}/payments` : `/payments/qr_codes/${id}/payments`;
    const res = paymentCollectionSchema.safeParse(await this.call('GET', path));
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
    if (isOrder(refs.gatewayRef)) return; // Razorpay has no call that closes an order
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
