/**
 * What a queued job prints, built from the database when it is sent (so a reprint shows the
 * same facts as the original): the session's ticket or receipt, the shift's Z report, a test page.
 */
import { formatTicketNumber } from '../../src-shared/domain/ticket-number.js';
import { AppError } from '../../src-shared/contracts/errors.js';
import type { PrinterSettings } from '../../src-shared/contracts/print.js';
import { computeFee } from '../../src-shared/domain/tariff.js';
import { formatLocal } from '../reports/time.js';
import type { ServiceContext } from '../services/context.js';
import { sessionView, zoneRow } from '../services/session-records.js';
import { getSettings } from '../services/settings.js';
import { shiftReport } from '../services/shifts.js';
import { zoneTariff } from '../services/views.js';
import type { PrintJobRow } from './queue.js';
import { receiptOf } from './receipt-numbers.js';
import { receiptValidations } from '../validations/receipt.js';
import type { Block } from './templates/blocks.js';
import { receiptBlocks, type ReceiptData, type ReceiptExtensions } from './templates/receipt.js';
import { testPageBlocks } from './templates/test-page.js';
import { ticketBlocks, type TicketData } from './templates/ticket.js';
import { zReportBlocks } from './templates/z-report.js';
import { hoursText, passBlocks, type PassPrintData } from './templates/pass.js';
import { signPassCode } from '../../src-shared/domain/season-pass-code.js';
import { passRow, toPass } from '../passes/records.js';
import { facilityId } from '../validations/facility.js';

export function ticketData(ctx: ServiceContext, sessionId: string, copy: boolean): TicketData {
  const s = sessionView(ctx, sessionId);
  const { facilityName, timeZone } = getSettings(ctx);
  const t = zoneTariff(zoneRow(ctx, s.zoneId));
  return {
    facilityName, zoneName: s.zoneName, slotNumber: s.slotNumber, vehicleNumber: s.vehicleNumber, code: s.code,
    ticketNumber: s.ticketNumber ? formatTicketNumber(s.ticketNumber) : null,
    entryAt: formatLocal(Date.parse(s.entryAt ?? s.bookedAt ?? ''), timeZone),
    hourlyRatePaise: t.hourlyRatePaise, graceMinutes: t.graceMinutes, dailyCapPaise: t.dailyCapPaise, lostTicketFeePaise: t.lostTicketFeePaise,
    copy,
  };
}

interface PaymentFacts {
  method: 'CASH' | 'ONLINE';
  gateway_ref: string | null;
  tendered_paise: number | null;
  change_paise: number | null;
}

export function receiptData(ctx: ServiceContext, sessionId: string, copy: boolean): ReceiptData {
  const s = sessionView(ctx, sessionId);
  if (!s.exitAt || !s.entryAt) throw new AppError('CONFLICT', 'This car has not left yet: there is no receipt to print.');
  const receipt = receiptOf(ctx, sessionId);
  const number = receipt?.number;
  if (!number) throw new AppError('NOT_FOUND', 'This exit has no receipt (nothing was paid or validated).');
  const { facilityName, timeZone } = getSettings(ctx);
  const { q, db } = ctx.store;
  const payment: PaymentFacts | undefined = q.first(
    db.selectFrom('payments').select(['method', 'tendered_paise', 'change_paise', 'gateway_ref'])
      .where('session_id', '=', sessionId).where('status', 'in', ['SUCCESS', 'REFUNDED'])
      .orderBy('completed_at', 'desc').orderBy('id', 'desc').limit(1),
  ) as PaymentFacts | undefined;
  const fee = computeFee(zoneTariff(zoneRow(ctx, s.zoneId)), Date.parse(s.entryAt), Date.parse(s.exitAt));
  return {
    facilityName, receiptNumber: number, vehicleNumber: s.vehicleNumber, zoneName: s.zoneName, slotNumber: s.slotNumber,
    entryAt: formatLocal(Date.parse(s.entryAt), timeZone), exitAt: formatLocal(Date.parse(s.exitAt), timeZone),
    durationSeconds: fee.durationSeconds, billableHours: fee.billableHours, amountPaise: s.amountPaidPaise,
    lostTicketFeePaise: receipt.lost_ticket_fee_paise, parkingFeePaise: fee.feePaise,
    method: payment?.method ?? 'CASH', upiReference: payment?.method === 'ONLINE' ? payment.gateway_ref : null, tenderedPaise: payment?.tendered_paise ?? null, changePaise: payment?.change_paise ?? null,
    copy, validations: receiptValidations(ctx, sessionId, receipt.lost_ticket_fee_paise),
  };
}

/** A season pass as it prints: the code is signed now, with this gate's key, as `passes.code` gives it. */
export function passPrintData(ctx: ServiceContext, passId: string, copy: boolean): PassPrintData {
  const row = passRow(ctx, passId);
  const pass = toPass(row);
  const { facilityName, timeZone } = getSettings(ctx);
  const { q, db } = ctx.store;
  const names = new Map(pass.zones.length === 0 ? [] : q.all(db.selectFrom('zones').select(['id', 'name']).where('id', 'in', [...pass.zones])).map((z) => [z.id, z.name]));
  return {
    facilityName, kind: pass.kind, holderName: row.holder_name, plates: pass.plates, cardId: pass.cardId,
    validFrom: formatLocal(pass.validFromMs, timeZone), validUntil: formatLocal(pass.validUntilMs, timeZone),
    zoneNames: pass.zones.map((z) => names.get(z) ?? z), hours: hoursText(pass.hours), maxCars: pass.maxCars,
    code: signPassCode(row.id, facilityId(ctx), ctx.ticketKey), copy,
  };
}

/** Receipt extensions (tax invoice fields) are added by whoever owns them; none by default. */
export type ReceiptExtender = (ctx: ServiceContext, sessionId: string) => ReceiptExtensions;

export function jobBlocks(ctx: ServiceContext, job: PrintJobRow, settings: PrinterSettings, extendReceipt?: ReceiptExtender): Block[] {
  const copy = job.copy > 0;
  switch (job.kind) {
    case 'TICKET':
      return ticketBlocks(ticketData(ctx, job.entity_id!, copy), settings.language);
    case 'RECEIPT':
      return receiptBlocks(receiptData(ctx, job.entity_id!, copy), settings.language, extendReceipt?.(ctx, job.entity_id!) ?? {});
    case 'Z_REPORT': {
      // The report of a closed shift, as its cashier's supervisor sees it (no role question here:
      // who may ask for a print was checked when the job was queued).
      const report = shiftReport(ctx, { operatorId: 'print-queue', username: 'print-queue', name: 'Print queue', role: 'ADMIN' }, job.entity_id!);
      return zReportBlocks(report.text, settings.paperWidth, copy);
    }
    case 'PASS':
      return passBlocks(passPrintData(ctx, job.entity_id!, copy), settings.language);
    case 'TEST': {
      const { facilityName, timeZone } = getSettings(ctx);
      return testPageBlocks(facilityName, settings, formatLocal(job.created_at, timeZone), ctx.kioskId);
    }
  }
}
