/**
 * A local MSG91-style SMS provider for tests and demos (like the payment gateway simulator):
 * POST /api/v5/flow/ checks the `authkey` header and the body, keeps the message and answers
 * `{ type: 'success', message: <request id> }`; GET /_sim/sms lists what was "sent";
 * POST /_sim/state `{ mode: 'normal' | 'reject' | 'silent' | 'garbage' }` makes it misbehave.
 */
import { randomBytes } from 'node:crypto';
import Fastify, { type FastifyInstance } from 'fastify';

export interface SentSms { requestId: string; templateId: string; mobiles: string; vars: Record<string, string> }
type Mode = 'normal' | 'reject' | 'silent' | 'garbage';

export async function startSmsSim(opts: { authKey: string; port?: number }): Promise<{ app: FastifyInstance; url: string; sent: SentSms[]; close(): Promise<void> }> {
  const app = Fastify();
  const sent: SentSms[] = [];
  let mode: Mode = 'normal';
  app.post('/api/v5/flow/', async (req, reply) => {
    if (mode === 'silent') return new Promise(() => undefined);
    if (mode === 'garbage') return reply.type('text/html').send('<html>gateway error</html>');
    if (req.headers.authkey !== opts.authKey) return reply.code(401).send({ type: 'error', message: 'Authentication failure' });
    if (mode === 'reject') return reply.code(400).send({ type: 'error', message: 'Template not approved' });
    const b = req.body as { template_id?: unknown; recipients?: unknown };
    const r = Array.isArray(b?.recipients) ? (b.recipients[0] as Record<string, unknown>) : null;
    if (typeof b?.template_id !== 'string' || !r || typeof r.mobiles !== 'string' || !/^91[6-9]\d{9}$/.test(r.mobiles)) {
      return reply.code(400).send({ type: 'error', message: 'Invalid template_id or mobiles' });
    }
    const requestId = randomBytes(12).toString('hex');
    const vars = Object.fromEntries(Object.entries(r).filter(([k, v]) => k !== 'mobiles' && typeof v === 'string')) as Record<string, string>;
    sent.push({ requestId, templateId: b.template_id, mobiles: r.mobiles, vars });
    return { type: 'success', message: requestId };
  });
  app.get('/_sim/sms', async () => sent);
  app.post('/_sim/state', async (req, reply) => {
    const m = (req.body as { mode?: unknown })?.mode;
    if (m !== 'normal' && m !== 'reject' && m !== 'silent' && m !== 'garbage') return reply.code(400).send({ error: 'mode: normal | reject | silent | garbage' });
    mode = m;
    return { mode };
  });
  const url = await app.listen({ port: opts.port ?? 0, host: '127.0.0.1' });
  return { app, url, sent, close: () => app.close() };
}
