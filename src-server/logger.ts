/** pino JSON logger. Headers are never logged; known secret-bearing fields are redacted wherever they appear. */
import { pino } from 'pino';
import type { Logger } from 'pino';

export const REDACT_PATHS = [
  'req.headers',
  '*.password',
  '*.pin',
  '*.secret',
  '*.kioskSecret',
  '*.token',
  '*.authorization',
  '*.vpa',
  '*.upiUri',
  '*.saltKey',
  '*.keySecret',
  '*.webhookSecret',
];

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  const opts = {
    level,
    base: { service: 'parkgate-server' },
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    serializers: {
      req: (req: { method: string; url: string; id: string; ip?: string }) => ({ id: req.id, method: req.method, url: req.url.split('?')[0], ip: req.ip }),
      res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
    },
  };
  return destination ? pino(opts, destination) : pino(opts);
}
