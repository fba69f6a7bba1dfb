/** The exit screen's reducer: which stage each action leads to, and what it refuses to do. */
import { describe, expect, it } from 'vitest';
import type { Payment, Quote } from '../../src-shared/contracts/entities.js';
import { cleanTendered, exitFlow, INITIAL_EXIT_STAGE, isPaying, type Billing, type ExitStage } from '../../src-renderer/screens/exit/flow.js';

const quote = { sessionId: 's1', amountDuePaise: 4000 } as Quote;
const billing: Billing = { quote, session: null, lost: false };
const payment = { id: 'p1', sessionId: 's1', status: 'PENDING', amountPaise: 4000 } as Payment;
const quoted = exitFlow(INITIAL_EXIT_STAGE, { type: 'billed', billing });

describe('exit flow', () => {
  it('a bill opens the quote; cash and online keep the bill; back returns to the quote', () => {
    expect(quoted).toEqual({ s: 'quote', ...billing });
    const cash = exitFlow(quoted, { type: 'cashOpened' });
    expect(cash).toEqual({ s: 'cash', tendered: '', ...billing });
    expect(exitFlow(cash, { type: 'backToQuote' })).toEqual(quoted);
    const online = exitFlow(quoted, { type: 'onlinePayment', payment });
    expect(online).toEqual({ s: 'online', payment, ...billing });
    expect(exitFlow(online, { type: 'cashOpened' })).toEqual(cash);
  });

  it('a payment step without a bill changes nothing', () => {
    const stages: ExitStage[] = [INITIAL_EXIT_STAGE, { s: 'lost' }, { s: 'error', error: new Error('x') }, { s: 'gate', session: null, reason: 'PAID', paidPaise: 1, changePaise: null }];
    for (const stage of stages) {
      expect(exitFlow(stage, { type: 'cashOpened' })).toBe(stage);
      expect(exitFlow(stage, { type: 'tendered', tendered: '100' })).toBe(stage);
      expect(exitFlow(stage, { type: 'onlinePayment', payment })).toBe(stage);
      expect(exitFlow(stage, { type: 'backToQuote' })).toBe(stage);
    }
  });

  it('only cash and online count as taking a payment (a scan then is ignored)', () => {
    expect(isPaying(quoted)).toBe(false);
    expect(isPaying(exitFlow(quoted, { type: 'cashOpened' }))).toBe(true);
    expect(isPaying(exitFlow(quoted, { type: 'onlinePayment', payment }))).toBe(true);
    expect(isPaying(INITIAL_EXIT_STAGE)).toBe(false);
  });

  it('the tendered amount is whole rupees: digits only, no leading zeros, at most 7 digits', () => {
    expect(cleanTendered('0050')).toBe('50');
    expect(cleanTendered('0')).toBe('0');
    expect(cleanTendered('1a2.3')).toBe('123');
    expect(cleanTendered('12345678')).toBe('1234567');
    expect(exitFlow(exitFlow(quoted, { type: 'cashOpened' }), { type: 'tendered', tendered: '0200' })).toMatchObject({ s: 'cash', tendered: '200' });
  });
});
