/**
 * The core's own messages (AppError.keyed: `key` + parameters), one key each as `core.<key>`.
 * errorText (i18n/index.ts) fills them: `...Paise` as rupees, `...At` as a date and time in en-IN /
 * hi-IN, and a value listed as `core.value.<param>.<value>` in words.
 */
export const coreEn = {
  'core.session.alreadyExited': 'Already exited: {plate} left {gate} on {exitAt} from slot {slot}, paid {amountPaidPaise}.',
  'core.value.gate.THIS': 'at this gate',
  'core.value.gate.OTHER': 'at another gate',
  'core.entry.alreadyInside': '{plate} is already {status} at {slot}.',
  'core.value.status.PARKED': 'parked',
  'core.value.status.BOOKED': 'booked',
  'core.value.status.EXITING': 'at the exit',
  'core.plate.notFound': 'No car inside with number {plate}. Check the number plate.',
  'core.plate.notCandidate': 'That car is not one of the cars matching {plate}.',
  'core.plate.ambiguous': '{count} cars inside could be {plate}. Pick the right one.',
  'core.plate.ticketRequired': 'The fee ({amountDuePaise}) is above the plate-only limit ({limitPaise}). Scan the ticket, or use lost ticket.',
  'core.lostTicket.feeNotSet': 'Zone {zoneName} has no lost-ticket fee set. A supervisor sets it under Supervisor > Zones.',
  'core.lostTicket.proofRequired': 'Record what proves the car is the driver\'s (RC, licence or photo ID).',
  'core.lostTicket.reasonRequired': 'Write why the ticket is missing (3 characters or more).',
  'core.lostTicket.supervisorRequired': '{amountDuePaise} is above the lost-ticket limit ({limitPaise}): a supervisor must enter their PIN.',
  'core.lostTicket.requote': 'The lost-ticket quote ran out. Do the lost-ticket exit again.',
  'core.supervisor.wrongPin': 'Wrong supervisor username or PIN. Nothing was changed.',
  'core.supervisor.locked': 'Too many wrong PINs for this supervisor. Try again later.',
  'core.supervisor.notSupervisor': 'That operator is not a supervisor. A supervisor (or admin) must enter their PIN.',
  'core.refund.noPayment': 'No such payment.',
  'core.refund.onlineOnServer': 'A UPI payment is refunded through the gateway: use Payments review.',
  'core.refund.already': 'This payment was already refunded.',
  'core.refund.notPaid': 'Only a successful payment can be refunded.',
  'core.refund.notCompleted': 'The car has not left yet: refund only a completed exit.',
  'core.shift.noOpenShift': 'Open your cash shift (Shift screen) before taking cash.',
} as const satisfies Record<string, string>;
