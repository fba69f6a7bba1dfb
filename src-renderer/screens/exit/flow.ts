/**
 * The exit screen's flow as one reducer: idle -> quote -> cash | online -> gate, with the lost
 * ticket search and errors beside it. Only a billed stage (quote, cash, online) can move to a
 * payment; an action that does not fit the current stage leaves it unchanged.
 */
import type { Payment, Quote, Session } from '../../../src-shared/contracts/entities.js';

export interface Billing {
  quote: Quote;
  session: Session | null;
  lost: boolean;
}

export type GateReason = 'ZERO_DUE' | 'PAID';

/** Completes the exit of a paid (or free) session and shows the open gate. */
export type OpenGate = (sessionId: string, reason: GateReason, paidPaise: number) => Promise<void>;

export type ExitStage =
  | { s: 'idle' }
  | { s: 'lost' }
  | ({ s: 'quote' } & Billing)
  | ({ s: 'cash'; tendered: string } & Billing)
  | ({ s: 'online'; payment: Payment } & Billing)
  | { s: 'gate'; session: Session | null; reason: GateReason; paidPaise: number; changePaise: number | null }
  | { s: 'error'; error: unknown };

export type ExitAction =
  | { type: 'reset' }
  | { type: 'lostOpened' }
  | { type: 'billed'; billing: Billing }
  | { type: 'cashOpened' }
  | { type: 'tendered'; tendered: string }
  | { type: 'backToQuote' }
  | { type: 'onlinePayment'; payment: Payment }
  | { type: 'gateOpened'; session: Session | null; reason: GateReason; paidPaise: number; changePaise: number | null }
  | { type: 'failed'; error: unknown };

export const INITIAL_EXIT_STAGE: ExitStage = { s: 'idle' };

function billingOf(stage: ExitStage): Billing | null {
  if (stage.s !== 'quote' && stage.s !== 'cash' && stage.s !== 'online') return null;
  return { quote: stage.quote, session: stage.session, lost: stage.lost };
}

/** A car is billed (its quote is on screen): the payment pane shows the amount due. */
export function isBilled(stage: ExitStage): stage is Extract<ExitStage, { s: 'quote' | 'cash' | 'online' }> {
  return stage.s === 'quote' || stage.s === 'cash' || stage.s === 'online';
}

/** A payment is being taken: a stray scan must not replace it. */
export function isPaying(stage: ExitStage): boolean {
  return stage.s === 'cash' || stage.s === 'online';
}

/** The tendered field holds whole rupees: digits only, no leading zeros, at most 7 digits. */
export function cleanTendered(text: string): string {
  return text.replace(/[^\d]/g, '').replace(/^0+(?=\d)/, '').slice(0, 7);
}

export function exitFlow(stage: ExitStage, action: ExitAction): ExitStage {
  switch (action.type) {
    case 'reset':
      return INITIAL_EXIT_STAGE;
    case 'lostOpened':
      return { s: 'lost' };
    case 'billed':
      return { s: 'quote', ...action.billing };
    case 'gateOpened':
      return { s: 'gate', session: action.session, reason: action.reason, paidPaise: action.paidPaise, changePaise: action.changePaise };
    case 'failed':
      return { s: 'error', error: action.error };
    case 'cashOpened':
    case 'tendered':
    case 'backToQuote':
    case 'onlinePayment': {
      const billing = billingOf(stage);
      if (!billing) return stage;
      if (action.type === 'cashOpened') return { s: 'cash', tendered: '', ...billing };
      if (action.type === 'tendered') return { s: 'cash', tendered: cleanTendered(action.tendered), ...billing };
      if (action.type === 'backToQuote') return { s: 'quote', ...billing };
      return { s: 'online', payment: action.payment, ...billing };
    }
  }
}
