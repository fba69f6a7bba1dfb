/**
 * The dependency boundaries (eslint.config.js) fire: each source below is linted through ESLint's
 * Node API as if it stood at the given path in the tree, with the project's own config. The clean
 * cases prove the rule is not simply rejecting everything.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');
const eslint = new ESLint({ cwd: ROOT });

async function problems(filePath: string, code: string): Promise<{ ruleId: string | null; message: string }[]> {
  const [result] = await eslint.lintText(code, { filePath: join(ROOT, filePath) });
  return (result?.messages ?? []).map((m) => ({ ruleId: m.ruleId, message: m.message }));
}

const VIOLATIONS: [string, string, string, string][] = [
  // [file, source, rule, words the message must contain]
  ['src-renderer/screens/Bad.tsx', "import { quoteExit } from '../../src-main/services/gate-exit.js';\nexport const x = quoteExit;\n", 'no-restricted-imports', 'src-shared/contracts'],
  ['src-renderer/screens/exit/Bad.tsx', "import { computeFee } from '../../../src-shared/domain/tariff.js';\nexport const x = computeFee;\n", 'no-restricted-imports', 'only src-shared/contracts'],
  ['src-renderer/Bad.tsx', "import { readFileSync } from 'node:fs';\nexport const x = readFileSync;\n", 'no-restricted-imports', 'no Node modules'],
  ['src-renderer/Bad.tsx', "import { ipcRenderer } from 'electron';\nexport const x = ipcRenderer;\n", 'no-restricted-imports', 'preload'],
  ['src-shared/domain/bad.ts', "import { createHash } from 'node:crypto';\nexport const x = createHash;\n", 'no-restricted-imports', 'no Node modules'],
  ['src-shared/domain/bad.ts', "import { createHash } from 'crypto';\nexport const x = createHash;\n", 'no-restricted-imports', 'no Node modules'],
  ['src-shared/domain/bad.ts', "import { openStore } from '../../src-main/store/open.js';\nexport const x = openStore;\n", 'no-restricted-imports', 'nothing outside itself'],
  ['src-shared/domain/bad.ts', "export const width = () => window.innerWidth;\n", 'no-restricted-globals', 'no DOM'],
  ['src-shared/domain/bad.ts', "export const env = () => process.env.HOME;\n", 'no-restricted-globals', 'no Node globals'],
  ['src-shared/contracts/bad.ts', "import { app } from 'electron';\nexport const x = app;\n", 'no-restricted-imports', 'no Electron'],
  ['src-main/services/bad.ts', "import { app } from 'electron';\nexport const x = app;\n", 'no-restricted-imports', 'only in src-main/electron'],
  ['src-main/lane/bad.ts', "import { BrowserWindow } from 'electron';\nexport const x = BrowserWindow;\n", 'no-restricted-imports', 'only in src-main/electron'],
  ['src-main/print/bad.ts', "import { useT } from '../../src-renderer/i18n/index.js';\nexport const x = useT;\n", 'no-restricted-imports', 'src-shared'],
  ['src-server/bad.ts', "import { createKiosk } from '../src-main/kiosk.js';\nexport const x = createKiosk;\n", 'no-restricted-imports', 'only on src-shared'],
  ['src-sim/barrier/bad.ts', "import { createKiosk } from '../../src-main/kiosk.js';\nexport const x = createKiosk;\n", 'no-restricted-imports', 'independent peer'],
];

const CLEAN: [string, string][] = [
  ['src-renderer/screens/exit/Good.tsx', "import type { Quote } from '../../../src-shared/contracts/entities.js';\nimport { useT } from '../../i18n/index.js';\nexport const x = (q: Quote) => [q, useT];\n"],
  ['src-shared/domain/good.ts', "import { z } from 'zod';\nimport { ROLES } from '../contracts/roles.js';\nexport const x = [z, ROLES];\n"],
  ['src-main/electron/good.ts', "import { app } from 'electron';\nimport { createKiosk } from '../kiosk.js';\nexport const x = [app, createKiosk];\n"],
  ['src-main/lane/good.ts', "import { createServer } from 'node:net';\nimport { AppError } from '../../src-shared/contracts/errors.js';\nexport const x = [createServer, AppError];\n"],
  ['src-sim/barrier/good.ts', "import { createServer } from 'node:net';\nimport type { BarrierPort } from '../../src-main/lane/ports.js';\nimport { AppError } from '../../src-shared/contracts/errors.js';\nexport const x = (p: BarrierPort) => [p, createServer, AppError];\n"],
];

describe('import boundaries', () => {
  it.each(VIOLATIONS)('%s: a forbidden import is refused', async (file, code, rule, words) => {
    const found = await problems(file, code);
    expect(found.map((p) => p.ruleId)).toEqual([rule]);
    expect(found[0]?.message).toContain(words);
  });

  it.each(CLEAN)('%s: allowed imports pass', async (file, code) => {
    expect(await problems(file, code)).toEqual([]);
  });

  it('a disable comment for a rule that does not exist is an error', async () => {
    const found = await problems('src-renderer/Bad.tsx', "export function f(): number {\n  // eslint-disable-next-line react-hooks/exhaustive-deps\n  return 1;\n}\n");
    expect(found.map((p) => p.message).join('\n')).toContain("Definition for rule 'react-hooks/exhaustive-deps' was not found");
  });

  it('CI runs `npm run lint` before the tests', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    expect(pkg.scripts.lint).toMatch(/^eslint /);
    const ci = readFileSync(join(ROOT, '.ci/run'), 'utf8');
    const lint = ci.indexOf('npm run lint');
    expect(lint).toBeGreaterThan(0);
    expect(lint).toBeLessThan(ci.indexOf('npm test'));
  });
});
