/**
 * Audit-chain anchoring between a kiosk and the central server (docs/records.md).
 * A push may carry the kiosk's audit-chain head; the push answer acknowledges the checkpoint the
 * server stored; GET /kiosk/v1/audit/checkpoints returns the kiosk's anchored checkpoints.
 */
import { z } from 'zod';

const hash = z.string().regex(/^[0-9a-f]{64}$/);

/** The newest audit entry of a kiosk: its id (sequence number) and hash. */
export const auditHeadSchema = z.object({ seq: z.number().int().min(1), hash }).strict();
export type AuditHead = z.infer<typeof auditHeadSchema>;

/** A head as the server stored it, with the time it was received (server clock, epoch ms). */
export const auditCheckpointSchema = z.object({
  seq: z.number().int().min(1),
  hash,
  receivedAt: z.number().int(),
  /** The kiosk's last event sequence the server held when it received this head. */
  eventSeq: z.number().int().min(0),
});
export type AuditCheckpoint = z.infer<typeof auditCheckpointSchema>;

/**
 * What the server found comparing a kiosk's checkpoints with each other and with its pushed
 * events: a head that went backwards or changed its hash at the same or a lower sequence
 * (a truncated or rewritten chain), or events pushed with no new audit entry behind them.
 */
export const auditServerFindingSchema = z.object({
  kind: z.enum(['head_regressed', 'hash_changed', 'events_without_audit']),
  seq: z.number().int(),
  receivedAt: z.number().int(),
  message: z.string(),
});
export type AuditServerFinding = z.infer<typeof auditServerFindingSchema>;

export const auditCheckpointsResponseSchema = z.object({
  kioskId: z.string(),
  checkpoints: z.array(auditCheckpointSchema),
  findings: z.array(auditServerFindingSchema),
});
export type AuditCheckpointsResponse = z.infer<typeof auditCheckpointsResponseSchema>;
