/**
 * Gathers the calls made while one database round trip is in flight and answers them with the
 * next single one: under many concurrent requests N lookups become a few statements, and a lone
 * request waits for nothing (its statement starts at once). `run` gets distinct keys and returns
 * a value for each (a key it leaves out gets `missing`).
 */
export class Batcher<K, V> {
  private pending = new Map<K, { resolve(v: V): void; reject(e: unknown): void }[]>();
  private next: Promise<void> | null = null;
  private inFlight: Promise<void> | null = null;

  constructor(private readonly run: (keys: K[]) => Promise<Map<K, V>>, private readonly missing: V) {}

  get(key: K): Promise<V> {
    return new Promise<V>((resolve, reject) => {
      const waiting = this.pending.get(key);
      if (waiting) waiting.push({ resolve, reject });
      else this.pending.set(key, [{ resolve, reject }]);
      this.next ??= (this.inFlight ?? Promise.resolve()).then(() => this.flush());
    });
  }

  private async flush(): Promise<void> {
    const batch = this.pending;
    this.pending = new Map();
    this.next = null;
    const run = (async () => {
      try {
        const out = await this.run([...batch.keys()]);
        for (const [k, ws] of batch) for (const w of ws) w.resolve(out.has(k) ? out.get(k)! : this.missing);
      } catch (err) {
        for (const ws of batch.values()) for (const w of ws) w.reject(err);
      }
    })();
    this.inFlight = run;
    await run;
    if (this.inFlight === run) this.inFlight = null;
  }
}
