/**
 * Server settings, only from environment variables (docs/server.md lists them with defaults).
 * Secrets have no defaults: the server refuses to start the chosen gateway without them.
 */
import { hostname } from 'node:os';
import { z } from 'zod';
import { DEV_SECRETS_KEY, parseSecretsKey } from './db/secret-box.js';

export const GATEWAYS = ['razorpay', 'phonepe', 'sim'] as const;
export type GatewayChoice = (typeof GATEWAYS)[number];

export const RAZORPAY_MODES = ['qr', 'order'] as const;
export type RazorpayMode = (typeof RAZORPAY_MODES)[number];

export interface RazorpayConfig {
  apiBase: string;
  keyId: string;
  keySecret: string;
  webhookSecret: string;
  /** qr: UPI QR Codes API (default); order: Orders API + S2S UPI intent (docs/server.md). */
  mode: RazorpayMode;
  /** Payer contact / e-mail sent with an S2S UPI intent (Razorpay requires both); order mode only. */
  contact: string | null;
  email: string | null;
}
export interface PhonePeConfig {
  apiBase: string;
  merchantId: string;
  saltKey: string;
  saltIndex: string;
  /** v2 webhook dashboard credentials; v2 callbacks are refused without them. */
  webhookUsername: string | null;
  webhookPassword: string | null;
}
export interface SimConfig {
  apiBase: string;
  webhookSecret: string;
}

export interface ServerConfig {
  /** NODE_ENV=production: secrets (SECRETS_KEY) must be given, no development defaults. */
  production: boolean;
  host: string;
  port: number;
  databaseUrl: string;
  databasePoolSize: number;
  logLevel: string;
  /**
   * How gateways and parkers reach this server (webhook and e-receipt links). Without
   * PUBLIC_BASE_URL it is the address the server is bound to, set once it listens (PORT=0: the
   * port the OS chose, src-server/main.ts `boundBaseUrl`).
   */
  publicBaseUrl: string;
  /** PUBLIC_BASE_URL was given (the bound address does not replace it). */
  publicBaseUrlGiven: boolean;
  paymentGateway: GatewayChoice;
  paymentTtlSeconds: number;
  reconcileIntervalMs: number;
  kioskAuthWindowSeconds: number;
  /** How far ahead of the server clock a signed kiosk request may be dated. */
  kioskAuthFutureSeconds: number;
  parkerTokenTtlHours: number;
  rateLimitPerIpPerMinute: number;
  /** Parker API requests per minute per parker account (all its tokens together). */
  rateLimitPerParkerPerMinute: number;
  upiPayeeName: string;
  seedZones: string | null;
  razorpay: RazorpayConfig | null;
  phonepe: PhonePeConfig | null;
  sim: SimConfig | null;
  /** 32-byte key that encrypts kiosk signing keys and ticket secrets in the database. */
  secretsKey: Buffer;
  /** 'dev-default': SECRETS_KEY was not set outside production; the public development key is used. */
  secretsKeySource: 'env' | 'dev-default';
  /** Bearer token /metrics asks for; null: /metrics is closed. */
  metricsToken: string | null;
  /** Bearer token of the head-office API (facilities, occupancy, revenue); null: that API is closed. */
  adminToken: string | null;
  /** Parker slot holds: how many BOOKED bookings one parker may hold at once. */
  maxActiveBookingsPerParker: number;
  /** Parker slot holds: a booking whose car has not arrived after this many minutes is released. */
  bookingHoldMinutes: number;
  /** Wrong parker passwords allowed per account and per IP in 15 minutes. */
  loginFailuresPerAccount: number;
  loginFailuresPerIp: number;
  /** This process among several on one database (logs, metrics); default host-pid. */
  instanceId: string;
  /** A waiting pull re-reads the change log this often when no notification came (PostgreSQL). */
  pullFallbackMs: number;
  /** Rate-limit store shared by the instances; null: in memory, per instance. */
  redisUrl: string | null;
  /** Key prefix of this deployment in Redis (several deployments may share one Redis). */
  redisKeyPrefix: string;
  /** How often an instance tries to become the leader of the periodic jobs (and the leader checks it still is). */
  leaderCheckMs: number;
  /** Proxies whose X-Forwarded-For is believed (Fastify trustProxy: addresses/CIDRs, comma-separated); null: none. */
  trustProxy: string | null;
  /** The e-receipt SMS provider (SMS_API_BASE, SMS_AUTH_KEY, SMS_TEMPLATE_ID); null: no SMS. Optional for configs built by hand. */
  sms?: { baseUrl: string; authKey: string; templateId: string } | null;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

const int = (def: number, min: number, max: number) =>
  z.coerce.number().int().min(min).max(max).default(def);
const opt = z
  .string()
  .trim()
  .optional()
  .transform((v) => (v ? v : null));

const envSchema = z.object({
  NODE_ENV: z.string().optional(),
  HOST: z.string().min(1).default('127.0.0.1'),
  SECRETS_KEY: opt,
  METRICS_TOKEN: z.string().trim().min(16, 'at least 16 characters').max(200).optional(),
  ADMIN_TOKEN: z.string().trim().min(24, 'at least 24 characters').max(200).optional(),
  PARKER_MAX_ACTIVE_BOOKINGS: int(3, 1, 1000),
  PARKER_BOOKING_HOLD_MINUTES: int(60, 1, 7 * 24 * 60),
  PARKER_LOGIN_FAILURES_PER_ACCOUNT: int(10, 1, 10_000),
  PARKER_LOGIN_FAILURES_PER_IP: int(30, 1, 100_000),
  PORT: int(8080, 0, 65535),
  DATABASE_URL: z.string().min(1).default('./.data/server.db'),
  DATABASE_POOL_SIZE: int(10, 1, 200),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  PUBLIC_BASE_URL: opt,
  PAYMENT_GATEWAY: z.enum(GATEWAYS).default('sim'),
  PAYMENT_TTL_SECONDS: int(300, 5, 3600),
  RECONCILE_INTERVAL_MS: int(1000, 50, 60_000),
  KIOSK_AUTH_WINDOW_SECONDS: int(300, 10, 3600),
  KIOSK_AUTH_FUTURE_SECONDS: int(30, 1, 300),
  PARKER_TOKEN_TTL_HOURS: int(720, 1, 24 * 365),
  RATE_LIMIT_PER_IP: int(300, 1, 1_000_000),
  RATE_LIMIT_PER_PARKER: z.coerce.number().int().min(1).max(1_000_000).optional(),
  /** The earlier name of RATE_LIMIT_PER_PARKER (the budget was per token). */
  RATE_LIMIT_PER_TOKEN: int(120, 1, 1_000_000),
  UPI_PAYEE_NAME: z.string().min(1).max(50).default('ParkGate'),
  SEED_ZONES: opt,
  RAZORPAY_API_BASE: z.url().default('https://api.razorpay.com/v1'),
  RAZORPAY_KEY_ID: opt,
  RAZORPAY_KEY_SECRET: opt,
  RAZORPAY_WEBHOOK_SECRET: opt,
  RAZORPAY_MODE: z.enum(RAZORPAY_MODES).default('qr'),
  RAZORPAY_CONTACT: opt,
  RAZORPAY_EMAIL: opt,
  PHONEPE_API_BASE: z.url().default('https://api.phonepe.com/apis/hermes'),
  PHONEPE_MERCHANT_ID: opt,
  PHONEPE_SALT_KEY: opt,
  PHONEPE_SALT_INDEX: z.string().regex(/^\d{1,3}$/).default('1'),
  PHONEPE_WEBHOOK_USERNAME: opt,
  PHONEPE_WEBHOOK_PASSWORD: opt,
  SIM_API_BASE: z.url().default('http://127.0.0.1:8090'),
  SIM_WEBHOOK_SECRET: opt,
  INSTANCE_ID: z.string().trim().regex(/^[A-Za-z0-9._:-]{1,64}$/, 'letters, digits and . _ : - (1-64)').optional(),
  SYNC_PULL_FALLBACK_MS: int(5000, 100, 60_000),
  REDIS_URL: z.string().trim().regex(/^rediss?:\/\//, 'redis:// or rediss:// URL').optional(),
  REDIS_KEY_PREFIX: z.string().trim().regex(/^[A-Za-z0-9._:-]{1,64}$/, 'letters, digits and . _ : - (1-64)').default('parkgate:'),
  LEADER_CHECK_MS: int(1000, 100, 60_000),
  TRUST_PROXY: z.string().trim().regex(/^[0-9A-Fa-f.:/, ]{2,500}$|^(loopback|linklocal|uniquelocal)$/, 'addresses or CIDRs, comma-separated, or loopback').optional(),
  /** The e-receipt SMS provider (MSG91-style flow API); all three or none. */
  SMS_API_BASE: opt,
  SMS_AUTH_KEY: opt,
  SMS_TEMPLATE_ID: opt,
});

/**
 * SECRETS_KEY (also read alone by server:cli): required with NODE_ENV=production; elsewhere the
 * public development key stands in, so a dev database is encrypted the same way.
 */
export function secretsKeyFromEnv(env: Record<string, string | undefined>): { key: Buffer; source: 'env' | 'dev-default' } {
  const text = env.SECRETS_KEY?.trim();
  if (text) {
    const parsed = parseSecretsKey(text);
    if (!parsed) throw new ConfigError('SECRETS_KEY must be 32 bytes as 64 hex digits or base64 (e.g. `openssl rand -base64 32`)');
    return { key: parsed, source: 'env' };
  }
  if (env.NODE_ENV === 'production') {
    throw new ConfigError('NODE_ENV=production needs SECRETS_KEY (32 bytes, `openssl rand -base64 32`): it encrypts kiosk signing keys and ticket secrets in the database');
  }
  return { key: DEV_SECRETS_KEY, source: 'dev-default' };
}

const trimSlash = (u: string) => u.replace(/\/+$/, '');

/**
 * The base URL of a listening socket's address: a wildcard bind (0.0.0.0, ::) is reached on
 * 127.0.0.1 from this machine; an IPv6 address goes in brackets.
 */
export function boundBaseUrl(address: { address: string; port: number }): string {
  const host = address.address === '0.0.0.0' || address.address === '::' || address.address === '' ? '127.0.0.1' : address.address;
  return `http://${host.includes(':') ? `[${host}]` : host}:${address.port}`;
}

export function loadConfig(env: Record<string, string | undefined> = process.env): ServerConfig {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new ConfigError(`invalid environment: ${issues}`);
  }
  const e = parsed.data;
  const razorpay =
    e.RAZORPAY_KEY_ID && e.RAZORPAY_KEY_SECRET && e.RAZORPAY_WEBHOOK_SECRET
      ? {
          apiBase: trimSlash(e.RAZORPAY_API_BASE),
          keyId: e.RAZORPAY_KEY_ID,
          keySecret: e.RAZORPAY_KEY_SECRET,
          webhookSecret: e.RAZORPAY_WEBHOOK_SECRET,
          mode: e.RAZORPAY_MODE,
          contact: e.RAZORPAY_CONTACT,
          email: e.RAZORPAY_EMAIL,
        }
      : null;
  if (razorpay?.mode === 'order' && (!razorpay.contact || !razorpay.email)) {
    throw new ConfigError('RAZORPAY_MODE=order needs RAZORPAY_CONTACT and RAZORPAY_EMAIL (sent with each S2S UPI intent)');
  }
  const phonepe =
    e.PHONEPE_MERCHANT_ID && e.PHONEPE_SALT_KEY
      ? {
          apiBase: trimSlash(e.PHONEPE_API_BASE),
          merchantId: e.PHONEPE_MERCHANT_ID,
          saltKey: e.PHONEPE_SALT_KEY,
          saltIndex: e.PHONEPE_SALT_INDEX,
          webhookUsername: e.PHONEPE_WEBHOOK_USERNAME,
          webhookPassword: e.PHONEPE_WEBHOOK_PASSWORD,
        }
      : null;
  const sim = e.SIM_WEBHOOK_SECRET
    ? { apiBase: trimSlash(e.SIM_API_BASE), webhookSecret: e.SIM_WEBHOOK_SECRET }
    : null;

  const missing: Record<GatewayChoice, string[]> = {
    razorpay: razorpay ? [] : ['RAZORPAY_KEY_ID', 'RAZORPAY_KEY_SECRET', 'RAZORPAY_WEBHOOK_SECRET'].filter((k) => !env[k]),
    phonepe: phonepe ? [] : ['PHONEPE_MERCHANT_ID', 'PHONEPE_SALT_KEY'].filter((k) => !env[k]),
    sim: sim ? [] : ['SIM_WEBHOOK_SECRET'],
  };
  const need = missing[e.PAYMENT_GATEWAY];
  if (need.length > 0) {
    throw new ConfigError(`PAYMENT_GATEWAY=${e.PAYMENT_GATEWAY} needs ${need.join(', ')} (secrets have no defaults)`);
  }

  const production = e.NODE_ENV === 'production';
  const { key: secretsKey, source: secretsKeySource } = secretsKeyFromEnv(env);

  return {
    production,
    host: e.HOST,
    port: e.PORT,
    databaseUrl: e.DATABASE_URL,
    databasePoolSize: e.DATABASE_POOL_SIZE,
    logLevel: e.LOG_LEVEL,
    publicBaseUrl: trimSlash(e.PUBLIC_BASE_URL ?? `http://127.0.0.1:${e.PORT}`),
    publicBaseUrlGiven: e.PUBLIC_BASE_URL !== null,
    paymentGateway: e.PAYMENT_GATEWAY,
    paymentTtlSeconds: e.PAYMENT_TTL_SECONDS,
    reconcileIntervalMs: e.RECONCILE_INTERVAL_MS,
    kioskAuthWindowSeconds: e.KIOSK_AUTH_WINDOW_SECONDS,
    kioskAuthFutureSeconds: e.KIOSK_AUTH_FUTURE_SECONDS,
    parkerTokenTtlHours: e.PARKER_TOKEN_TTL_HOURS,
    rateLimitPerIpPerMinute: e.RATE_LIMIT_PER_IP,
    rateLimitPerParkerPerMinute: e.RATE_LIMIT_PER_PARKER ?? e.RATE_LIMIT_PER_TOKEN,
    upiPayeeName: e.UPI_PAYEE_NAME,
    seedZones: e.SEED_ZONES,
    razorpay,
    phonepe,
    sim,
    secretsKey,
    secretsKeySource,
    metricsToken: e.METRICS_TOKEN ?? null,
    adminToken: e.ADMIN_TOKEN ?? null,
    maxActiveBookingsPerParker: e.PARKER_MAX_ACTIVE_BOOKINGS,
    bookingHoldMinutes: e.PARKER_BOOKING_HOLD_MINUTES,
    loginFailuresPerAccount: e.PARKER_LOGIN_FAILURES_PER_ACCOUNT,
    loginFailuresPerIp: e.PARKER_LOGIN_FAILURES_PER_IP,
    instanceId: e.INSTANCE_ID ?? `${hostname()}-${process.pid}`,
    pullFallbackMs: e.SYNC_PULL_FALLBACK_MS,
    redisUrl: e.REDIS_URL ?? null,
    redisKeyPrefix: e.REDIS_KEY_PREFIX,
    leaderCheckMs: e.LEADER_CHECK_MS,
    trustProxy: e.TRUST_PROXY ?? null,
    sms: e.SMS_API_BASE && e.SMS_AUTH_KEY && e.SMS_TEMPLATE_ID ? { baseUrl: trimSlash(e.SMS_API_BASE), authKey: e.SMS_AUTH_KEY, templateId: e.SMS_TEMPLATE_ID } : null,
  };
}
