import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { en } from '../../src-renderer/i18n/en.js';
import { hi } from '../../src-renderer/i18n/hi.js';
import { translate } from '../../src-renderer/i18n/index.js';

const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? files(p) : [p];
  });
}

describe('i18n dictionaries', () => {
  it('every key exists in English and Hindi, non-empty, with the same placeholders', () => {
    const enKeys = Object.keys(en).sort();
    const hiKeys = Object.keys(hi).sort();
    expect(hiKeys).toEqual(enKeys);
    for (const k of enKeys) {
      const e = en[k as keyof typeof en];
      const h = hi[k as keyof typeof hi];
      expect(e.trim(), `en ${k}`).not.toBe('');
      expect(h.trim(), `hi ${k}`).not.toBe('');
      expect(placeholders(h), `placeholders of ${k}`).toEqual(placeholders(e));
    }
  });

  it('Hindi is really Hindi for the words operators read', () => {
    for (const k of ['login.title', 'entry.okTitle', 'exit.gateOpen', 'exit.amountDue', 'error.TICKET_INVALID'] as const) {
      expect(hi[k]).toMatch(/[\u0900-\u097F]/);
    }
  });

  it('interpolates variables and leaves unknown ones visible', () => {
    expect(translate('en', 'entry.zoneFree', { free: 3, total: 10 })).toBe('3 of 10 free');
    expect(translate('hi', 'entry.zoneFree', { free: 3, total: 10 })).toBe('10 में से 3 खाली');
    expect(translate('en', 'entry.zoneFree', { free: 3 })).toBe('3 of {total} free');
  });

  it('components contain no hard-coded English text (everything goes through t())', () => {
    const root = join(import.meta.dirname, '..', '..', 'src-renderer');
    const offenders: string[] = [];
    for (const f of files(root).filter((p) => p.endsWith('.tsx'))) {
      const src = readFileSync(f, 'utf8');
      // JSX text nodes: >Some words<
      for (const m of src.matchAll(/(?<![=-])>\s*([A-Za-z][A-Za-z ,.'!?-]{2,})\s*</g)) offenders.push(`${f}: ${m[1]}`);
      // user-visible attributes with literal text
      for (const m of src.matchAll(/\b(?:aria-label|title|placeholder|alt|label)="([A-Za-z][^"]{2,})"/g)) offenders.push(`${f}: ${m[1]}`);
    }
    expect(offenders).toEqual([]);
  });
});
