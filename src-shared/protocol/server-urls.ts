/**
 * A kiosk's central server as one URL or several (instances of one server on one database, or
 * a load balancer and the instances behind it): written comma- or space-separated, e.g.
 * `https://pg1.example.com, https://pg2.example.com`. Each must be http(s) without credentials;
 * at most MAX_SERVER_URLS; duplicates are dropped; trailing slashes removed.
 */
export const MAX_SERVER_URLS = 8;

/** Why a server URL list was refused: none given, more than MAX_SERVER_URLS, or one entry that is not a usable address. */
export type ServerUrlProblem = 'EMPTY' | 'TOO_MANY' | 'NOT_A_URL' | 'NOT_HTTP' | 'CREDENTIALS';

export type ServerUrlCheck =
  | { ok: true; urls: string[] }
  | { ok: false; problem: ServerUrlProblem; /** the offending entry as written (entry problems) */ entry: string | null; /** its place in the list, from 1 */ position: number | null };

/** The URLs in order (failover order), or what is wrong with the first bad entry. */
export function checkServerUrls(raw: string): ServerUrlCheck {
  const parts = raw.split(/[\s,]+/).filter(Boolean);
  if (parts.length === 0) return { ok: false, problem: 'EMPTY', entry: null, position: null };
  if (parts.length > MAX_SERVER_URLS) return { ok: false, problem: 'TOO_MANY', entry: null, position: null };
  const out: string[] = [];
  for (const [i, p] of parts.entries()) {
    const bad = (problem: ServerUrlProblem): ServerUrlCheck => ({ ok: false, problem, entry: p.slice(0, 200), position: i + 1 });
    let url: URL;
    try {
      url = new URL(p);
    } catch {
      return bad('NOT_A_URL');
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return bad('NOT_HTTP');
    if (url.username || url.password) return bad('CREDENTIALS');
    const text = url.toString().replace(/\/+$/, '');
    if (!out.includes(text)) out.push(text);
  }
  return { ok: true, urls: out };
}

/** The URLs in order, or null when any entry is not an http(s) URL (or there are none or too many). */
export function parseServerUrls(raw: string): string[] | null {
  const r = checkServerUrls(raw);
  return r.ok ? r.urls : null;
}
