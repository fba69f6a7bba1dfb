/** PhonePe adapter: v1 salt-key API (pay with UPI_QR, status, refund). */
import type { PhonePeConfig } from '../../config.js';
import type { CreateGatewayPayment, GatewayEvent, GatewayPaymentCreated, PaymentGateway, PaymentRefs, RefundRequest } from '../gateway.js';
import { GatewayError } from '../gateway.js';
import { requestJson } from '../http.js';
import { phonePePayChecksum, phonePeStatusChecksum, toBase64Json } from './checksum.js';
import { outcomeOfV1Code, payResponseSchema, phonePeEventKey, refundResponseSchema, statusSchema } from './wire.js';

export const PHONEPE_PAY_PATH = '/pg/v1/pay';
export const PHONEPE_REFUND_PATH = '/pg/v1/refund';

export class PhonePeGateway implements PaymentGateway {
  readonly name = 'phonepe' as const;

  constructor(
    private readonly cfg: PhonePeConfig,
    /** The webhook address PhonePe calls (a function: the public base URL is known once the server listens). */
    private readonly callback: string | (() => string),
  ) {}

  private get callbackUrl(): string {
    return typeof this.callback === 'string' ? this.callback : this.callback();
  }

  private async post(apiPath: string, payload: unknown): Promise<unknown> {
    const base64 = toBase64Json(payload);
    return requestJson({
      method: 'POST',
      url: `${this.cfg.apiBase}${apiPath}`,
      body: { request: base64 },
      headers: { 'x-verify': phonePePayChecksum(base64, apiPath, this.cfg.saltKey, this.cfg.saltIndex) },
    });
  }

  async create(input: CreateGatewayPayment): Promise<GatewayPaymentCreated> {
    const res = payResponseSchema.safeParse(
      await this.post(PHONEPE_PAY_PATH, {
        merchantId: this.cfg.merchantId,
        merchantTransactionId: input.merchantRef,
        merchantUserId: 'PARKGATE',
        amount: input.amountPaise,
        callbackUrl: this.callbackUrl,
        paymentInstrument: { type: 'UPI_QR' },
      }),
    );
    if (!res.success || !res.data.success || !res.data.data) throw new GatewayError('phonepe: pay was not accepted');
    const qr = res.data.data.instrumentResponse?.qrData;
    if (!qr || !qr.startsWith('upi://')) throw new GatewayError('phonepe: pay answer has no upi:// qrData');
    return { gatewayRef: res.data.data.merchantTransactionId, upiUri: qr };
  }

  async fetchStatus(refs: PaymentRefs): Promise<GatewayEvent> {
    const path = `/pg/v1/status/${encodeURIComponent(this.cfg.merchantId)}/${encodeURIComponent(refs.gatewayRef)}`;
    const res = statusSchema.safeParse(
      await requestJson({
        method: 'GET',
        url: `${this.cfg.apiBase}${path}`,
        headers: { 'x-verify': phonePeStatusChecksum(path, this.cfg.saltKey, this.cfg.saltIndex), 'x-merchant-id': this.cfg.merchantId },
      }),
    );
    if (!res.success) throw new GatewayError('phonepe: unexpected status answer');
    const outcome = outcomeOfV1Code(res.data.code);
    return {
      gateway: this.name,
      eventKey: phonePeEventKey(res.data.data.merchantTransactionId, outcome),
      eventType: `poll:${res.data.code}`,
      outcome,
      gatewayRef: res.data.data.merchantTransactionId,
      merchantRef: res.data.data.merchantTransactionId,
      amountPaise: res.data.data.amount ?? null,
      currency: 'INR',
      gatewayPaymentId: res.data.data.transactionId ?? null,
    };
  }

  /** PhonePe v1 has no call to close a QR; the deadline is enforced by our status check + EXPIRED. */
  async close(): Promise<void> {}

  async refund(input: RefundRequest): Promise<{ refundId: string }> {
    // The refund's own merchant transaction id is derived from the idempotency key: a retry reuses it.
    const refundRef = `R${input.idempotencyKey.replace(/[^A-Za-z0-9]/g, '')}`.slice(0, 34);
    const res = refundResponseSchema.safeParse(
      await this.post(PHONEPE_REFUND_PATH, {
        merchantId: this.cfg.merchantId,
        merchantUserId: 'PARKGATE',
        originalTransactionId: input.gatewayRef,
        merchantTransactionId: refundRef,
        amount: input.amountPaise,
        callbackUrl: this.callbackUrl,
      }),
    );
    if (!res.success || !res.data.success) throw new GatewayError('phonepe: refund was not accepted');
    return { refundId: res.data.data?.transactionId ?? refundRef };
  }
}
