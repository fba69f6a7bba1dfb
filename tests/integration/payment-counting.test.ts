/**
 * Which payments count toward a session's paid amount: the SQL form (integrity, reports) and the
 * function form (the server's fold) agree on every combination of status, late and flag.
 */
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { countedPaymentSql, isCountedPayment } from '../../src-main/services/payment-counting.js';

const STATUSES = ['PENDING', 'SUCCESS', 'FAILED', 'EXPIRED', 'REFUNDED'];
const REASONS = [null, 'paid after the attempt ended: refund or accept', 'REFUND_DUE: duplicate exit at k2'];

describe('counted payments', () => {
  it('SQL and function agree; flagged late money and late money refunded from its flag never count', () => {
    const db = new Database(':memory:');
    db.exec('CREATE TABLE payments (status TEXT, late INTEGER, review_reason TEXT)');
    const q = db.prepare(`SELECT COUNT(*) AS n FROM payments p WHERE ${countedPaymentSql('p')}`);
    for (const status of STATUSES) for (const late of [0, 1]) for (const review_reason of REASONS) {
      db.exec('DELETE FROM payments');
      db.prepare('INSERT INTO payments VALUES (?, ?, ?)').run(status, late, review_reason);
      const bySql = (q.get() as { n: number }).n === 1;
      expect(bySql, `${status} late=${late} ${review_reason}`).toBe(isCountedPayment({ status, late, review_reason }));
    }
    expect(isCountedPayment({ status: 'SUCCESS', late: 0, review_reason: null })).toBe(true);
    expect(isCountedPayment({ status: 'SUCCESS', late: 0, review_reason: 'REFUND_DUE: duplicate exit at k2' })).toBe(true);
    expect(isCountedPayment({ status: 'SUCCESS', late: 1, review_reason: 'paid after the attempt ended: refund or accept' })).toBe(false);
    expect(isCountedPayment({ status: 'SUCCESS', late: 1, review_reason: null })).toBe(true); // accepted
    expect(isCountedPayment({ status: 'REFUNDED', late: 1, review_reason: null })).toBe(false);
    expect(isCountedPayment({ status: 'REFUNDED', late: 0, review_reason: null })).toBe(true);
    expect(isCountedPayment({ status: 'EXPIRED', late: 0, review_reason: null })).toBe(false);
  });
});
