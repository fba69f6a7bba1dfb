/**
 * /metrics is behind a bearer token from the environment (METRICS_TOKEN): payment counts, webhook
 * failures and request rates are business data and a map for an attacker. Without METRICS_TOKEN
 * the endpoint is closed. A token (not a second listener) so a scraper on another host works
 * through the same port and TLS front as everything else.
 */
import { AppError } from '../../src-shared/contracts/errors.js';
import { safeEqual } from '../util/hash.js';

export function checkMetricsToken(configured: string | null, authorization: string | undefined): void {
  if (configured === null) throw new AppError('FORBIDDEN', 'Metrics are off: set METRICS_TOKEN on the server to enable /metrics.');
  const given = /^Bearer (\S{1,200})$/.exec(authorization ?? '')?.[1];
  if (!given || !safeEqual(given, configured)) throw new AppError('UNAUTHENTICATED', 'Metrics need Authorization: Bearer <METRICS_TOKEN>.');
}

/**
 * The head-office API (facilities, occupancy, revenue per facility) is behind ADMIN_TOKEN the same
 * way: closed (403) without it, 401 for a missing or wrong bearer token.
 */
export function checkAdminToken(configured: string | null, authorization: string | undefined): void {
  if (configured === null) throw new AppError('FORBIDDEN', 'The head-office API is off: set ADMIN_TOKEN on the server to enable it.');
  const given = /^Bearer (\S{1,200})$/.exec(authorization ?? '')?.[1];
  if (!given || !safeEqual(given, configured)) throw new AppError('UNAUTHENTICATED', 'The head-office API needs Authorization: Bearer <ADMIN_TOKEN>.');
}
