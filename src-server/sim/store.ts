/** The simulator's in-memory ledger: QR codes / transactions, their captures, refunds and sent events. */
import { randomBytes } from 'node:crypto';

export type Flavour = 'razorpay' | 'phonepe' | 'sim';

export interface SimPayment {
  flavour: Flavour;
  /** Gateway ref: Razorpay qr_ or order_ id, PhonePe merchantTransactionId, sim id. */
  ref: string;
  /** Razorpay only: a UPI QR code (default) or an order paid through an S2S UPI intent. */
  kind?: 'qr' | 'order';
  /** Razorpay order: its receipt (our merchant ref) and whether an intent payment was started. */
  receipt?: string | null;
  attempted?: boolean;
  merchantRef: string;
  amountPaise: number;
  description: string;
  createdAt: number;
  closeBy: number | null;
  status: 'created' | 'paid' | 'failed' | 'closed';
  closed: boolean;
  paymentId: string | null;
  paidAmountPaise: number | null;
  upiUri: string;
  refunds: Map<string, { id: string; amountPaise: number }>;
  /** Further captures of an already-paid QR / order (a customer paying twice). */
  extraCaptures?: { id: string; amountPaise: number }[];
}

export interface SimEvent {
  eventId: string;
  flavour: Flavour;
  ref: string;
  kind: 'success' | 'failure';
  body: string;
  headers: Record<string, string>;
}

export const simId = (prefix: string) => `${prefix}${randomBytes(7).toString('hex')}`;

export class SimStore {
  readonly payments = new Map<string, SimPayment>();
  readonly events = new Map<string, SimEvent>();

  add(p: SimPayment): SimPayment {
    this.payments.set(`${p.flavour}:${p.ref}`, p);
    return p;
  }
  get(flavour: Flavour, ref: string): SimPayment | undefined {
    return this.payments.get(`${flavour}:${ref}`);
  }
  /** Find by gateway ref across flavours (the control API takes just the ref). */
  find(ref: string): SimPayment | undefined {
    for (const p of this.payments.values()) if (p.ref === ref || p.merchantRef === ref) return p;
    return undefined;
  }
  /** The payment holding the capture with this gateway payment id (its own or an extra capture). */
  byCapture(flavour: Flavour, captureId: string): { p: SimPayment; paidAmountPaise: number } | undefined {
    for (const p of this.payments.values()) {
      if (p.flavour !== flavour) continue;
      if (p.paymentId === captureId && p.status === 'paid') return { p, paidAmountPaise: p.paidAmountPaise ?? 0 };
      const extra = p.extraCaptures?.find((c) => c.id === captureId);
      if (extra) return { p, paidAmountPaise: extra.amountPaise };
    }
    return undefined;
  }
  refund(p: SimPayment, key: string, amountPaise: number): { id: string; amountPaise: number } {
    const existing = p.refunds.get(key);
    if (existing) return existing;
    const r = { id: simId(p.flavour === 'razorpay' ? 'rfnd_' : 'RF'), amountPaise };
    p.refunds.set(key, r);
    return r;
  }
}
