/**
 * The payment gateway interface. Adapters (razorpay/, phonepe/, sim/) translate their wire
 * formats to these shapes; nothing outside an adapter knows a gateway's JSON.
 */
import type { GatewayName } from '../../src-shared/contracts/entities.js';

export type { GatewayName };

export interface CreateGatewayPayment {
  /** Our unique reference for this attempt (< 35 chars, [A-Za-z0-9]). */
  merchantRef: string;
  amountPaise: number;
  /** Epoch ms after which the QR must not be paid. */
  expiresAt: number;
  description: string;
}

export interface GatewayPaymentCreated {
  /** The gateway's own QR / order / merchant transaction id. */
  gatewayRef: string;
  /** The `upi://pay?...` string the kiosk draws as a QR. */
  upiUri: string;
}

export interface PaymentRefs {
  gatewayRef: string;
  merchantRef: string;
}

/** What a gateway reports, from a verified webhook or from our own status poll. */
export interface GatewayEvent {
  gateway: GatewayName;
  /** Deduplication key, unique per gateway (event id, or PhonePe's (merchantOrderId, state)). */
  eventKey: string;
  eventType: string;
  outcome: 'SUCCESS' | 'FAILED' | 'PENDING' | 'IGNORED';
  gatewayRef: string | null;
  merchantRef: string | null;
  amountPaise: number | null;
  currency: string | null;
  gatewayPaymentId: string | null;
}

export interface RefundRequest extends PaymentRefs {
  gatewayPaymentId: string | null;
  amountPaise: number;
  /** 10+ chars of [A-Za-z0-9_-]; the same key never refunds twice. */
  idempotencyKey: string;
}

export interface PaymentGateway {
  readonly name: GatewayName;
  create(input: CreateGatewayPayment): Promise<GatewayPaymentCreated>;
  /** Status poll, as a GatewayEvent whose eventKey dedups against the matching webhook when possible. */
  fetchStatus(refs: PaymentRefs): Promise<GatewayEvent>;
  /** Stop the QR from accepting money (no-op where the gateway has no such call). */
  close(refs: PaymentRefs): Promise<void>;
  refund(input: RefundRequest): Promise<{ refundId: string }>;
}

/** A gateway call failed (network, timeout, non-2xx, or an answer we cannot use). */
export class GatewayError extends Error {
  override name = 'GatewayError';
  constructor(
    message: string,
    readonly status: number | null = null,
  ) {
    super(message);
  }
}
