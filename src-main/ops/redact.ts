/**
 * Redaction for everything the kiosk writes to a log line or a diagnostics bundle: no PIN, token,
 * secret or full UPI VPA may leave the process. Three layers, applied to every JSON log line:
 *  1. by key: any property whose (normalised) name ends in a sensitive word is replaced;
 *  2. by pattern inside strings: `Bearer <x>`, `pin=<x>` / `"token":"<x>"`, VPAs `name@bank`;
 *  3. by value: known secret values (ticket-signing key, kiosk secret, ...) wherever they appear.
 */

export const REDACTED = '[REDACTED]';

/** Normalised key suffixes (lower case, no `_`/`-`) whose values are never logged. */
export const SENSITIVE_KEY_SUFFIXES = [
  'pin', 'pins', 'pinhash', 'token', 'tokens', 'tokenhash', 'secret', 'secrets', 'password', 'passwd', 'passphrase',
  'apikey', 'authorization', 'cookie', 'setcookie', 'signature', 'privatekey', 'vpa', 'upiuri', 'upiid', 'payeraddress',
] as const;

const normaliseKey = (key: string) => key.toLowerCase().replace(/[^a-z0-9]/g, '');

export function isSensitiveKey(key: string): boolean {
  const k = normaliseKey(key);
  return SENSITIVE_KEY_SUFFIXES.some((s) => k.endsWith(s));
}

const KEY_WORDS = 'pin|pin_hash|pinHash|token|access_token|secret|kiosk_secret|kioskSecret|password|authorization|vpa|api_key|apiKey';
const PATTERNS: [RegExp, string | ((...m: string[]) => string)][] = [
  // Authorization headers.
  [/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/g, (_m, scheme) => `${scheme} ${REDACTED}`],
  // key=value and "key":"value" inside free text (URLs, error messages, serialised bodies).
  [new RegExp(`(["']?)\\b(${KEY_WORDS})\\1(\\s*[:=]\\s*)(\\\\?["']?)[^\\s"'&,;}\\\\]+`, 'gi'), (_m, q, key, sep, vq) => `${q}${key}${q}${sep}${vq}${REDACTED}`],
  // UPI VPAs (and e-mail addresses): keep the first character and the handle only.
  [/(?<![A-Za-z0-9._-])([A-Za-z0-9])[A-Za-z0-9._-]*@([A-Za-z][A-Za-z0-9.-]{1,63})/g, (_m, first, handle) => `${first}***@${handle}`],
];

export class Redactor {
  private readonly known = new Set<string>();

  constructor(knownSecrets: Iterable<string> = []) {
    for (const s of knownSecrets) this.addSecret(s);
  }

  /** Registers a secret value to be removed wherever it appears (ignored if too short to be specific). */
  addSecret(value: string | null | undefined): void {
    if (typeof value === 'string' && value.length >= 6) this.known.add(value);
  }

  secrets(): string[] {
    return [...this.known];
  }

  string(text: string): string {
    let out = text;
    for (const secret of this.known) if (out.includes(secret)) out = out.split(secret).join(REDACTED);
    for (const [re, replacement] of PATTERNS) out = out.replace(re, replacement as (...m: string[]) => string);
    return out;
  }

  value(v: unknown, depth = 0): unknown {
    if (typeof v === 'string') return this.string(v);
    if (v === null || typeof v !== 'object') return v;
    if (depth > 12) return '[DEPTH]';
    if (v instanceof Error) {
      return { type: v.name, message: this.string(v.message), stack: v.stack ? this.string(v.stack) : undefined };
    }
    if (Array.isArray(v)) return v.map((x) => this.value(x, depth + 1));
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
      out[k] = isSensitiveKey(k) && x !== null && x !== undefined && typeof x !== 'boolean' ? REDACTED : this.value(x, depth + 1);
    }
    return out;
  }

  /** One serialised log line (JSON, or plain text when it does not parse). Keeps the trailing newline. */
  line(line: string): string {
    const nl = line.endsWith('\n');
    const body = nl ? line.slice(0, -1) : line;
    let out: string;
    try {
      const parsed = JSON.parse(body) as unknown;
      out = parsed !== null && typeof parsed === 'object' ? JSON.stringify(this.value(parsed)) : this.string(body);
    } catch {
      out = this.string(body);
    }
    return nl ? `${out}\n` : out;
  }

  /** A whole text file of log lines. */
  text(text: string): string {
    return text.split('\n').map((l) => (l ? this.line(l) : l)).join('\n');
  }
}
