import { create } from 'zustand';

export type Language = 'en' | 'hi';
const KEY = 'parkgate.lang';

function initial(): Language {
  try {
    return globalThis.localStorage?.getItem(KEY) === 'hi' ? 'hi' : 'en';
  } catch {
    return 'en';
  }
}

interface LanguageState {
  lang: Language;
  setLang(lang: Language): void;
  toggle(): void;
}

export const useLanguage = create<LanguageState>((set, get) => ({
  lang: initial(),
  setLang(lang) {
    try {
      globalThis.localStorage?.setItem(KEY, lang);
    } catch {
      /* storage may be unavailable in kiosk profiles */
    }
    if (typeof document !== 'undefined') document.documentElement.lang = lang;
    set({ lang });
  },
  toggle() {
    get().setLang(get().lang === 'en' ? 'hi' : 'en');
  },
}));
