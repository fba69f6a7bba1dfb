/** Enrols a kiosk with the server CLI (`src-server/cli.ts kiosk add <name>`) on the server's environment: its id and secret. */
import { runNode } from './node-process.js';

export interface KioskCreds {
  id: string;
  secret: string;
}

export async function enrolKiosk(env: Record<string, string>, name: string, opts: { bundle?: boolean } = {}): Promise<KioskCreds> {
  const r = await runNode(['src-server/cli.ts', 'kiosk', 'add', name], env, opts);
  const id = /kiosk id:\s+(\S+)/.exec(r.out)?.[1];
  const secret = /kiosk secret:\s+(\S+)/.exec(r.out)?.[1];
  if (r.code !== 0 || !id || !secret) throw new Error(`enrolment of ${name} failed (${r.code}):\n${r.out}`);
  return { id, secret };
}
