/**
 * Gateway simulator settings (env). It uses the same secret variable names as the server, so one
 * environment drives both; each wire format is enabled only when its secrets are set.
 */
export interface SimulatorConfig {
  port: number;
  host: string;
  /** Where webhooks go: `${serverUrl}/webhooks/<gateway>`. */
  serverUrl: string;
  vpa: string;
  payeeName: string;
  razorpay: { keyId: string; keySecret: string; webhookSecret: string } | null;
  phonepe: { merchantId: string; saltKey: string; saltIndex: string; webhookUsername: string | null; webhookPassword: string | null } | null;
  sim: { webhookSecret: string } | null;
}

export function loadSimulatorConfig(env: Record<string, string | undefined> = process.env): SimulatorConfig {
  const port = Number(env.GATEWAY_SIM_PORT ?? 8090);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error('GATEWAY_SIM_PORT must be a port number');
  const v = (k: string) => (env[k] && env[k]!.trim() ? env[k]!.trim() : null);
  const rk = v('RAZORPAY_KEY_ID');
  const rs = v('RAZORPAY_KEY_SECRET');
  const rw = v('RAZORPAY_WEBHOOK_SECRET');
  const pm = v('PHONEPE_MERCHANT_ID');
  const ps = v('PHONEPE_SALT_KEY');
  const sw = v('SIM_WEBHOOK_SECRET');
  return {
    port,
    host: env.GATEWAY_SIM_HOST ?? '127.0.0.1',
    serverUrl: (env.SIM_SERVER_URL ?? 'http://127.0.0.1:8080').replace(/\/+$/, ''),
    vpa: env.SIM_VPA ?? 'parkgate@simbank',
    payeeName: env.UPI_PAYEE_NAME ?? 'ParkGate',
    razorpay: rk && rs && rw ? { keyId: rk, keySecret: rs, webhookSecret: rw } : null,
    phonepe: pm && ps ? { merchantId: pm, saltKey: ps, saltIndex: v('PHONEPE_SALT_INDEX') ?? '1', webhookUsername: v('PHONEPE_WEBHOOK_USERNAME'), webhookPassword: v('PHONEPE_WEBHOOK_PASSWORD') } : null,
    sim: sw ? { webhookSecret: sw } : null,
  };
}
