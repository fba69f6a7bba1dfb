/** Test secrets and the environment both the server and the simulator read. */
export const SECRETS = {
  RAZORPAY_KEY_ID: 'rzp_test_parkgate',
  RAZORPAY_KEY_SECRET: 'rzp-key-secret-for-tests',
  RAZORPAY_WEBHOOK_SECRET: 'rzp-webhook-secret-for-tests',
  PHONEPE_MERCHANT_ID: 'PGTESTMERCHANT',
  PHONEPE_SALT_KEY: '099eb0cd-02cf-4e2a-8aca-3e6c6aff0399',
  PHONEPE_SALT_INDEX: '1',
  PHONEPE_WEBHOOK_USERNAME: 'pp-hook-user',
  PHONEPE_WEBHOOK_PASSWORD: 'pp-hook-password',
  SIM_WEBHOOK_SECRET: 'sim-webhook-secret-for-tests',
  METRICS_TOKEN: 'metrics-token-for-tests',
} as const;

export function serverEnv(opts: { databaseUrl: string; gateway: 'razorpay' | 'phonepe' | 'sim'; simUrl: string; port?: number; extra?: Record<string, string> }): Record<string, string> {
  return {
    ...SECRETS,
    DATABASE_URL: opts.databaseUrl,
    PAYMENT_GATEWAY: opts.gateway,
    RAZORPAY_API_BASE: `${opts.simUrl}/v1`,
    PHONEPE_API_BASE: opts.simUrl,
    SIM_API_BASE: opts.simUrl,
    PORT: String(opts.port ?? 0),
    HOST: '127.0.0.1',
    LOG_LEVEL: 'silent',
    ...opts.extra,
  };
}
