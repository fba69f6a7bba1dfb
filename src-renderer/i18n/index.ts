/** i18n: typed message keys, {placeholder} interpolation, language held in a zustand store. */
import { en, type MessageKey } from './en.js';
import { hi } from './hi.js';
import { useLanguage, type Language } from '../stores/language.js';
import { isApiError } from '../api/client.js';
import type { MessageParams } from '../../src-shared/contracts/errors.js';
import { formatDateTime, formatINR } from '../lib/format.js';

export type { MessageKey };
export const dictionaries: Record<Language, Record<MessageKey, string>> = { en, hi };

export type Vars = Record<string, string | number>;
export type Translate = (key: MessageKey, vars?: Vars) => string;

export function translate(lang: Language, key: MessageKey, vars?: Vars): string {
  const text = dictionaries[lang][key] ?? en[key] ?? key;
  if (!vars) return text;
  return text.replace(/\{(\w+)\}/g, (m, name: string) => (name in vars ? String(vars[name]) : m));
}

export function useT(): Translate {
  const lang = useLanguage((s) => s.lang);
  return (key, vars) => translate(lang, key, vars);
}

/**
 * The core's parameters in the operator's language: `...Paise` as rupees, `...At` as a date and
 * time (en-IN / hi-IN), a value with a `core.value.<name>.<value>` text in words.
 */
function coreVars(t: Translate, params: MessageParams, lang: Language): Vars {
  const out: Vars = {};
  for (const [name, value] of Object.entries(params)) {
    if (value === null) out[name] = '—';
    else if (name.endsWith('Paise') && typeof value === 'number') out[name] = formatINR(value);
    else if (name.endsWith('At') && typeof value === 'string') out[name] = formatDateTime(value, lang);
    else {
      const key = `core.value.${name}.${String(value)}` as MessageKey;
      out[name] = key in en ? t(key) : value;
    }
  }
  return out;
}

/** A message for a person at the gate, in the current language, for any thrown value. */
export function errorText(t: Translate, e: unknown): string {
  if (isApiError(e)) {
    const coreKey = `core.${e.key ?? ''}` as MessageKey;
    if (e.key && coreKey in en) return t(coreKey, coreVars(t, e.params, useLanguage.getState().lang));
    const key = `error.${e.code}` as MessageKey;
    if (key in en) return t(key);
    return useLanguage.getState().lang === 'en' ? e.message : t('error.INTERNAL');
  }
  return t('error.INTERNAL');
}

/**
 * The core's own English message when it says more than the generic text (e.g. a lockout time);
 * null in another language (the screen shows only the translated text there) or when errorText
 * already said it from the message key.
 */
export function serverDetail(e: unknown): string | null {
  if (!isApiError(e) || !e.message || e.key || useLanguage.getState().lang !== 'en') return null;
  return e.message;
}

/** A two-word headline for an error (shown big), in the current language. */
export function errorHeadline(t: Translate, e: unknown): string {
  const code = isApiError(e) ? e.code : 'INTERNAL';
  const key = `short.${code}` as MessageKey;
  return key in en ? t(key) : code;
}

export function errorCode(e: unknown): string {
  return isApiError(e) ? e.code : 'INTERNAL';
}
