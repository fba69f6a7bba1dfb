/**
 * Subscribers to recorded changes that must act inside the change's own transaction, so what
 * they write commits or rolls back with it (the print queue: a ticket issued is a ticket queued,
 * even if the process dies the next instant). A hook must be quick and must not throw for
 * reasons of its own: an exception here rolls the gate operation back.
 */
export interface RecordedChange {
  /** The audit action, e.g. 'session.ticketIssued', 'session.completed', 'shift.closed'. */
  action: string;
  entityType: 'session' | 'shift';
  entityId: string;
  paymentId: string | null;
}

export type ChangeHook = (change: RecordedChange) => void;

export class ChangeHooks {
  private readonly hooks = new Set<ChangeHook>();

  subscribe(hook: ChangeHook): () => void {
    this.hooks.add(hook);
    return () => this.hooks.delete(hook);
  }

  /** Called by the recorders (session-records.ts, shifts.ts) inside the transaction. */
  run(change: RecordedChange): void {
    for (const hook of this.hooks) hook(change);
  }
}
