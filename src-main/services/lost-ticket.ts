/**
 * gate.lostTicket: an exit whose driver has no ticket (rules: src-shared/domain/lost-ticket.ts).
 * The zone must have a lost-ticket fee; the cashier records what proved the car and why; above the
 * facility's limit a supervisor's username + PIN authorise it (checked here, before anything is
 * written, so a refusal leaves the session as it was). The record is kept in lost_ticket_exits and
 * the quote is audited and synced as `session.lostTicket` with the same facts.
 */
import { AppError } from '../../src-shared/contracts/errors.js';
import type { Quote } from '../../src-shared/contracts/entities.js';
import { lostTicketNeedsSupervisor, type LostTicketProof } from '../../src-shared/domain/lost-ticket.js';
import type { Actor, ServiceContext } from './context.js';
import { amountDueNow, quoteSession } from './gate-exit.js';
import { sessionForPlate } from './plate-exit.js';
import { zoneRow } from './session-records.js';
import { getSettings } from './settings.js';
import { verifySupervisor } from './supervisor-auth.js';

export interface LostTicketInput {
  vehicleNumber: string;
  /** The car the cashier picked among the candidates (or found by slot); absent: the plate's one exact match. */
  sessionId?: string | undefined;
  proof?: LostTicketProof | undefined;
  proofNote?: string | undefined;
  reason?: string | undefined;
  supervisorUsername?: string | undefined;
  supervisorPin?: string | undefined;
}

const SUPERVISOR_CHECK = {
  refusedAction: 'gate.lostTicketRefused',
  wrongMessage: 'Wrong supervisor username or PIN. Nothing was charged.',
  roleMessage: 'A lost-ticket exit above the limit needs a supervisor (or admin) PIN.',
};

/** What is due and whether a supervisor must authorise it; reads only. */
function plan(ctx: ServiceContext, input: LostTicketInput) {
  const { session, picked } = sessionForPlate(ctx, input.vehicleNumber, input.sessionId, true);
  const zone = zoneRow(ctx, session.zone_id);
  if (zone.lost_ticket_fee_paise === null) {
    throw AppError.keyed('CONFLICT', 'lostTicket.feeNotSet', { zoneName: zone.name },
      `Zone ${zone.name} has no lost-ticket fee set. A supervisor sets it under Supervisor > Zones.`, { zoneId: zone.id });
  }
  const due = amountDueNow(ctx, session, true).amountDuePaise;
  const limitPaise = getSettings(ctx).lostTicketSupervisorAbovePaise;
  return { session, picked, due, limitPaise, needsSupervisor: lostTicketNeedsSupervisor(due, limitPaise) };
}

export function lostTicket(ctx: ServiceContext, actor: Actor, input: LostTicketInput): Quote {
  const proof = input.proof;
  const reason = input.reason?.trim() ?? '';
  const first = plan(ctx, input);
  if (!proof) throw AppError.keyed('VALIDATION_FAILED', 'lostTicket.proofRequired', {}, 'Record what proves the car is the driver\'s (RC, licence or photo ID).');
  if (reason.length < 3) throw AppError.keyed('VALIDATION_FAILED', 'lostTicket.reasonRequired', {}, 'Write why the ticket is missing (3 characters or more).');
  const supervisorGiven = Boolean(input.supervisorUsername && input.supervisorPin);
  const supervisorRequired = () => AppError.keyed('FORBIDDEN', 'lostTicket.supervisorRequired', { amountDuePaise: first.due, limitPaise: first.limitPaise },
    `Rs ${(first.due / 100).toFixed(2)} is above the lost-ticket limit (Rs ${(first.limitPaise / 100).toFixed(2)}): a supervisor must enter their PIN.`,
    { supervisorRequired: true, amountDuePaise: first.due, limitPaise: first.limitPaise });
  if (first.needsSupervisor && !supervisorGiven) throw supervisorRequired();
  // Checked outside the write transaction: a wrong PIN's lockout count must stay even though nothing else is written.
  const supervisor = supervisorGiven ? verifySupervisor(ctx, input.supervisorUsername!, input.supervisorPin!, SUPERVISOR_CHECK) : null;
  return ctx.store.q.tx(() => {
    const now = plan(ctx, input); // the clock may have moved a minute: decide on what is written
    if (now.needsSupervisor && !supervisor) throw supervisorRequired();
    const basis = now.picked ? 'PICKED' : 'PLATE_MATCH';
    const record = {
      basis, typed_plate: input.vehicleNumber, proof, proof_note: input.proofNote?.trim() || null, reason,
      amount_due_paise: now.due, operator_id: actor.operatorId, supervisor_id: supervisor?.id ?? null, recorded_at: ctx.clock.now(),
    } as const;
    const { q, db } = ctx.store;
    q.run(db.insertInto('lost_ticket_exits').values({ session_id: now.session.id, ...record })
      .onConflict((oc) => oc.column('session_id').doUpdateSet(record)));
    return quoteSession(ctx, actor, now.session, true, {
      basis, typedPlate: input.vehicleNumber, proof, proofNote: record.proof_note, reason, supervisorId: supervisor?.id ?? null,
      supervisor: supervisor?.username ?? null,
    });
  });
}
