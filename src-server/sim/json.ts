/** The simulator parses JSON bodies itself (it keeps raw bytes for signature checks). */
import type { FastifyRequest } from 'fastify';

export function bodyOf(req: FastifyRequest): Record<string, unknown> {
  if (!Buffer.isBuffer(req.body) || req.body.length === 0) return {};
  try {
    const v: unknown = JSON.parse(req.body.toString('utf8'));
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

export function rawOf(req: FastifyRequest): string {
  return Buffer.isBuffer(req.body) ? req.body.toString('utf8') : '';
}
