/**
 * Compile-time checks of the kiosk row types (src-main/store/schema.ts), run by
 * tests/typecheck.test.ts: each @ts-expect-error line must fail to compile, so a status column
 * that went back to `string` or a flag that went back to `number` breaks the build.
 */
import type { Store } from '../../src-main/store/open.js';
import type { PaymentRow, SessionRow } from '../../src-main/store/schema.js';

export function rowTypeChecks(store: Store, session: SessionRow, payment: PaymentRow): void {
  const { db } = store;
  // @ts-expect-error not a session status
  db.updateTable('sessions').set({ status: 'FLYING' });
  db.updateTable('sessions').set({ status: 'EXITING' });
  // @ts-expect-error a flag is 0 or 1
  db.updateTable('sessions').set({ lost_ticket: 2 });
  // @ts-expect-error not a payment method
  db.updateTable('payments').set({ method: 'CHEQUE' });
  // @ts-expect-error not a shift status
  db.updateTable('shifts').set({ status: 'PAUSED' });
  // @ts-expect-error not a role
  db.updateTable('operators').set({ role: 'ROOT' });
  // @ts-expect-error the union has no such member
  if (session.status === 'PAID') return;
  // @ts-expect-error the union has no such member
  if (payment.status === 'DONE') return;
  const flag: 0 | 1 = session.conflict;
  void flag;
}
