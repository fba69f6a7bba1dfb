/** Polls `probe` until it yields a truthy value (a throw counts as not yet); throws naming `what` after `timeoutMs`. */
export async function until<T>(what: string, probe: () => T | undefined | null | false | Promise<T | undefined | null | false>, timeoutMs = 45_000, everyMs = 100): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    let v: T | undefined | null | false;
    try {
      v = await probe();
    } catch {
      v = undefined;
    }
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise<void>((r) => setTimeout(r, everyMs));
  }
}
