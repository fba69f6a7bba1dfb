/**
 * What the server does with each event type a kiosk pushes (the types and their payload schemas
 * are the sync contract's, src-shared/contracts/sync.ts). The compiler requires an entry for every
 * type, so adding a type to the contract means choosing its handling here:
 * - `session`: folded into the session's canonical state (src-server/sync/fold.ts) and replicated;
 * - `zone` / `operator`: replicated entities, last writer by HLC (replicated-entities.ts);
 * - `merchant` / `validationProgram`: replicated entities, last writer by HLC (src-server/validations/replicate.ts);
 * - `stored`: kept on the server (reports, audit), not replicated to other gates.
 */
import type { SyncEventType } from '../../src-shared/contracts/sync.js';
import { PREPAID_EVENT } from './prepaid.js';

export type EventHandling = 'session' | 'zone' | 'operator' | 'merchant' | 'validationProgram' | 'stored';

export const EVENT_HANDLERS: Record<SyncEventType, EventHandling> = {
  'session.booked': 'session',
  'session.ticketIssued': 'session',
  'session.entered': 'session',
  'session.quoted': 'session',
  'session.lostTicket': 'session',
  'session.quoteCancelled': 'session',
  'session.completed': 'session',
  'session.cancelled': 'session',
  'session.expired': 'session',
  'session.adopted': 'session',
  'session.conflictResolved': 'session',
  'payment.started': 'session',
  'payment.success': 'session',
  'payment.lateSuccess': 'session',
  'payment.failed': 'session',
  'payment.expired': 'session',
  'payment.refunded': 'session',
  'payment.cancelled': 'session',
  'payment.pending': 'session',
  'payment.review': 'session',
  'payment.reviewResolved': 'session',
  'zone.created': 'zone',
  'zone.updated': 'zone',
  'slots.created': 'zone',
  'operator.created': 'operator',
  'operator.updated': 'operator',
  'shift.opened': 'stored',
  'shift.paidIn': 'stored',
  'shift.paidOut': 'stored',
  'shift.cashRefund': 'stored',
  'shift.closed': 'stored',
  'shift.approved': 'stored',
  'settings.updated': 'stored',
  'lane.manualOpened': 'stored',
  'lane.openingEnded': 'stored',
  'lane.exception': 'stored',
  'invoice.issued': 'stored',
  'merchant.upserted': 'merchant',
  'validationProgram.upserted': 'validationProgram',
  // Stored; a code's uses are folded into validation_redemptions (src-server/validations/redemptions.ts).
  'validation.applied': 'stored',
  'validation.settled': 'stored',
  'merchant.ledger': 'stored',
  // Stored; passes replicate by id (last writer by HLC) and movements join the anti-passback fold (src-server/passes/).
  'seasonPass.upserted': 'stored',
  'pass.movement': 'stored',
  'pass.sold': 'stored',
};

export function handlingOf(type: string): EventHandling | null {
  return Object.hasOwn(EVENT_HANDLERS, type) ? EVENT_HANDLERS[type as SyncEventType] : null;
}

/** Server decisions that take part in a session's fold (recorded by the server, never pushed). */
const SERVER_FOLD_TYPES = new Set(['session.slotMoved', 'session.vehicleClash', PREPAID_EVENT]);

/** Events that take part in a session's fold (kiosk session events and server decisions). */
export function isFoldType(type: string): boolean {
  return handlingOf(type) === 'session' || SERVER_FOLD_TYPES.has(type) || type.startsWith('payment.');
}

/** A duplicate or refused event of a session re-announces it (the kiosk gets the canonical state back). */
export function concernsSession(type: string): boolean {
  return handlingOf(type) === 'session' || type.startsWith('session.') || type.startsWith('payment.');
}
