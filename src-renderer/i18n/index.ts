/** i18n: typed message keys, {placeholder} interpolation, language held in a zustand store. */
import { en, type MessageKey } from './en.js';
import { hi } from './hi.js';
import { useLanguage, type Language } from '../stores/language.js';
import { isApiError } from '../api/client.js';

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

/** A message for a person at the gate, in the current language, for any thrown value. */
export function errorText(t: Translate, e: unknown): string {
  if (isApiError(e)) {
    const key = `error.${e.code}` as MessageKey;
    if (key in en) return t(key);
    return e.message;
  }
  return t('error.INTERNAL');
}

/** The server's own message when it says more than the generic text (e.g. a lockout time). */
export function serverDetail(e: unknown): string | null {
  return isApiError(e) && e.message ? e.message : null;
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
