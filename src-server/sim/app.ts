/** The gateway simulator: Razorpay + PhonePe + native wire formats, and a control API that sends signed webhooks. */
import Fastify from 'fastify';
import type { FastifyInstance } from 'fastify';
import type { SimulatorConfig } from './config.js';
import { registerControlApi } from './control.js';
import { registerNativeApi } from './native-api.js';
import { registerPhonePeApi } from './phonepe-api.js';
import { registerRazorpayApi } from './razorpay-api.js';
import { SimStore } from './store.js';

export async function buildGatewaySim(cfg: SimulatorConfig, opts: { now?: () => number; logger?: boolean } = {}): Promise<{ app: FastifyInstance; store: SimStore }> {
  const now = opts.now ?? (() => Date.now());
  const store = new SimStore();
  const app = Fastify({ logger: opts.logger ?? false });
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
  registerRazorpayApi(app, cfg, store, now);
  registerPhonePeApi(app, cfg, store, now);
  registerNativeApi(app, cfg, store, now);
  registerControlApi(app, cfg, store, now);
  app.get('/health', async () => ({ ok: true, razorpay: Boolean(cfg.razorpay), phonepe: Boolean(cfg.phonepe), sim: Boolean(cfg.sim) }));
  await app.ready();
  return { app, store };
}
