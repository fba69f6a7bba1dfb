/**
 * Shell settings: `<userData>/settings.json` (written by the installer, the first-run setup or a
 * technician), overridable by environment variables for service units. Pure parsing; main.ts
 * does the file reading. Secrets never live here (see secret-store.ts).
 */
import { z } from 'zod';

const httpUrl = z
  .string()
  .max(2000)
  .refine((s) => {
    try {
      const u = new URL(s);
      return u.protocol === 'https:' || u.protocol === 'http:';
    } catch {
      return false;
    }
  }, 'must be an http(s) URL');

export const settingsSchema = z
  .object({
    /** Central server; absent = standalone kiosk. */
    serverUrl: httpUrl.optional(),
    kioskId: z.string().min(1).max(100).optional(),
    /** Generic electron-updater feed (latest.yml etc.); absent = no automatic updates. */
    updateUrl: httpUrl.optional(),
    updateChannel: z.string().min(1).max(40).optional(),
    logLevel: z.enum(['error', 'warn', 'info', 'verbose', 'debug']).default('info'),
    /** Demo data on an empty database (never in a real deployment). */
    seedDemo: z.boolean().default(false),
    updates: z
      .object({
        /** Minutes without input before an update may install. */
        idleMinutes: z.number().int().min(1).max(24 * 60).default(5),
        checkEveryHours: z.number().min(0.25).max(24 * 7).default(6),
        /** A supervisor's standing consent to install while a cash shift is open. */
        installDuringOpenShift: z.boolean().default(false),
      })
      .strict()
      .default({ idleMinutes: 5, checkEveryHours: 6, installDuringOpenShift: false }),
  })
  .strict();

export type ShellSettings = z.output<typeof settingsSchema>;

export const DEFAULT_SETTINGS: ShellSettings = settingsSchema.parse({});

/**
 * Parses settings text (missing file = null) and applies env overrides
 * (PARKGATE_SERVER_URL, PARKGATE_KIOSK_ID, PARKGATE_UPDATE_URL, PARKGATE_LOG_LEVEL).
 * Invalid settings do not stop the kiosk: the defaults are used and the problem is reported.
 */
export function parseSettings(
  text: string | null,
  env: Record<string, string | undefined> = {},
): { settings: ShellSettings; problems: string[] } {
  const problems: string[] = [];
  let raw: Record<string, unknown> = {};
  if (text !== null && text.trim() !== '') {
    try {
      const parsed: unknown = JSON.parse(text);
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) raw = parsed as Record<string, unknown>;
      else problems.push('settings.json is not an object');
    } catch (err) {
      problems.push(`settings.json is not valid JSON: ${(err as Error).message}`);
    }
  }
  const overrides: Record<string, unknown> = {};
  if (env.PARKGATE_SERVER_URL) overrides.serverUrl = env.PARKGATE_SERVER_URL;
  if (env.PARKGATE_KIOSK_ID) overrides.kioskId = env.PARKGATE_KIOSK_ID;
  if (env.PARKGATE_UPDATE_URL) overrides.updateUrl = env.PARKGATE_UPDATE_URL;
  if (env.PARKGATE_LOG_LEVEL) overrides.logLevel = env.PARKGATE_LOG_LEVEL;
  const result = settingsSchema.safeParse({ ...raw, ...overrides });
  if (result.success) return { settings: result.data, problems };
  problems.push(...result.error.issues.map((i) => `settings.${i.path.join('.')}: ${i.message}`));
  return { settings: DEFAULT_SETTINGS, problems };
}
