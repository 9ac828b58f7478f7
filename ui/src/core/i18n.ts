// Thai first, English second. Each page registers its own strings (so pages stay independent);
// t() looks a key up in the current language, falls back to English, then to the key itself.
// The choice is kept in localStorage; components re-render on the 'language-changed' event.
export type Language = 'th' | 'en';
type Strings = Record<string, string>;

const dictionaries: Record<Language, Strings> = { th: {}, en: {} };
const STORAGE_KEY = 'llc.language';
export const languageEvents = new EventTarget();

let current: Language = (() => {
  try {
    return localStorage.getItem(STORAGE_KEY) === 'en' ? 'en' : 'th';
  } catch {
    return 'th';
  }
})();

export function registerStrings(strings: { th: Strings; en: Strings }): void {
  Object.assign(dictionaries.th, strings.th);
  Object.assign(dictionaries.en, strings.en);
}

export function language(): Language {
  return current;
}

export function setLanguage(next: Language): void {
  if (next === current) return;
  current = next;
  try {
    localStorage.setItem(STORAGE_KEY, next);
  } catch {
    // private mode: the choice lasts for this page only
  }
  document.documentElement.lang = next;
  languageEvents.dispatchEvent(new Event('language-changed'));
}

/** The string for `key`, with {name} placeholders filled from `vars`. */
export function t(key: string, vars: Record<string, string | number> = {}): string {
  const text = dictionaries[current][key] ?? dictionaries.en[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, name) => (name in vars ? String(vars[name]) : `{${name}}`));
}
