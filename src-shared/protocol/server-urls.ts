/**
 * A kiosk's central server as one URL or several (instances of one server on one database, or
 * a load balancer and the instances behind it): written comma- or space-separated, e.g.
 * `https://pg1.example.com, https://pg2.example.com`. Each must be http(s) without credentials;
 * at most MAX_SERVER_URLS; duplicates are dropped; trailing slashes removed.
 */
export const MAX_SERVER_URLS = 8;

/** The URLs in order, or null when any entry is not an http(s) URL (or there are none or too many). */
export function parseServerUrls(raw: string): string[] | null {
  const parts = raw.split(/[\s,]+/).filter(Boolean);
  if (parts.length === 0 || parts.length > MAX_SERVER_URLS) return null;
  const out: string[] = [];
  for (const p of parts) {
    let url: URL;
    try {
      url = new URL(p);
    } catch {
      return null;
    }
    if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.username || url.password) return null;
    const text = url.toString().replace(/\/+$/, '');
    if (!out.includes(text)) out.push(text);
  }
  return out;
}
