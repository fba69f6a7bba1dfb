/** Builds the configured gateways: the active one for new payments, any configured one for old payments. */
import type { ServerConfig } from '../config.js';
import type { GatewayName, PaymentGateway } from './gateway.js';
import { PhonePeGateway } from './phonepe/client.js';
import { RazorpayGateway } from './razorpay/client.js';
import { SimGateway } from './sim/client.js';

export interface GatewayRegistry {
  active: PaymentGateway;
  get(name: string): PaymentGateway | null;
}

export function buildGatewayRegistry(cfg: ServerConfig, overrides: Partial<Record<GatewayName, PaymentGateway>> = {}): GatewayRegistry {
  const all = new Map<string, PaymentGateway>();
  if (cfg.razorpay) all.set('razorpay', new RazorpayGateway(cfg.razorpay));
  if (cfg.phonepe) all.set('phonepe', new PhonePeGateway(cfg.phonepe, () => `${cfg.publicBaseUrl}/webhooks/phonepe`));
  if (cfg.sim) all.set('sim', new SimGateway(cfg.sim));
  for (const [name, gw] of Object.entries(overrides)) if (gw) all.set(name, gw);
  const active = all.get(cfg.paymentGateway);
  if (!active) throw new Error(`gateway ${cfg.paymentGateway} is not configured`);
  return { active, get: (name) => all.get(name) ?? null };
}
