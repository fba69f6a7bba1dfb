/** Maps joined rows to API entities (API.md "Shapes"). */
import type { Payment, Session, Zone } from '../../src-shared/contracts/entities.js';
import type { Tariff } from '../../src-shared/domain/tariff.js';
import { ticketNumberOf } from '../../src-shared/domain/ticket-number.js';
import type { InferResult } from 'kysely';
import type { PaymentRow, ZoneRow } from '../store/schema.js';
import type { Store } from '../store/open.js';

export const iso = (ms: number | null | undefined): string | null => (ms == null ? null : new Date(ms).toISOString());

export function sessionQuery(store: Store) {
  return store.db
    .selectFrom('sessions')
    .innerJoin('vehicles', 'vehicles.id', 'sessions.vehicle_id')
    .innerJoin('zones', 'zones.id', 'sessions.zone_id')
    .innerJoin('slots', 'slots.id', 'sessions.slot_id')
    .select([
      'sessions.id', 'sessions.code', 'sessions.status', 'sessions.booked_at', 'sessions.entry_at', 'sessions.exit_at',
      'sessions.amount_due_paise', 'sessions.amount_paid_paise', 'sessions.conflict', 'sessions.lost_ticket',
      'sessions.zone_id', 'sessions.slot_id', 'sessions.created_at', 'sessions.quote_amount_paise',
      'sessions.quoted_at', 'sessions.quote_valid_until', 'sessions.last_paid_at', 'sessions.vehicle_id',
      'vehicles.vehicle_number', 'vehicles.owner_name', 'zones.name as zone_name', 'slots.slot_number',
    ])
    .select((eb) => [
      eb.selectFrom('payments').select('payments.method').whereRef('payments.session_id', '=', 'sessions.id')
        .orderBy('payments.created_at', 'desc').orderBy('payments.id', 'desc').limit(1).as('payment_method'),
      eb.selectFrom('payments').select('payments.status').whereRef('payments.session_id', '=', 'sessions.id')
        .orderBy('payments.created_at', 'desc').orderBy('payments.id', 'desc').limit(1).as('payment_status'),
    ]);
}

export type SessionViewRow = InferResult<ReturnType<typeof sessionQuery>>[number];

export function toSession(r: SessionViewRow): Session {
  return {
    id: r.id,
    code: r.code,
    vehicleNumber: r.vehicle_number,
    ownerName: r.owner_name,
    zoneId: r.zone_id,
    zoneName: r.zone_name,
    slotNumber: r.slot_number,
    status: r.status,
    bookedAt: iso(r.booked_at),
    entryAt: iso(r.entry_at),
    exitAt: iso(r.exit_at),
    amountDuePaise: r.amount_due_paise,
    amountPaidPaise: r.amount_paid_paise,
    paymentMethod: r.payment_method ?? null,
    paymentStatus: r.payment_status ?? null,
    conflict: r.conflict === 1,
    lostTicket: r.lost_ticket === 1,
    ticketNumber: ticketNumberOf(r.id),
  };
}

export function toPayment(r: PaymentRow): Payment {
  return {
    id: r.id,
    sessionId: r.session_id,
    method: r.method,
    status: r.status,
    amountPaise: r.amount_paise,
    gateway: r.gateway ?? null,
    gatewayRef: r.gateway_ref,
    upiUri: r.upi_uri,
    createdAt: iso(r.created_at)!,
    expiresAt: iso(r.expires_at),
    completedAt: iso(r.completed_at),
  };
}

export function zoneTariff(z: ZoneRow): Tariff {
  return {
    hourlyRatePaise: z.hourly_rate_paise,
    graceMinutes: z.grace_minutes,
    dailyCapPaise: z.daily_cap_paise,
    lostTicketFeePaise: z.lost_ticket_fee_paise,
    exitGraceMinutes: z.exit_grace_minutes,
  };
}

export function toZone(z: ZoneRow, totalSlots: number, availableSlots: number): Zone {
  const t = zoneTariff(z);
  return {
    id: z.id,
    name: z.name,
    hourlyRatePaise: z.hourly_rate_paise,
    isActive: z.is_active === 1,
    tariff: {
      graceMinutes: t.graceMinutes,
      dailyCapPaise: t.dailyCapPaise,
      lostTicketFeePaise: t.lostTicketFeePaise,
      exitGraceMinutes: t.exitGraceMinutes,
    },
    totalSlots,
    availableSlots,
  };
}
