// English and Spanish, following the OS locale and switchable. Catalogs are flat JSON
// (i18n/*.json at the repository root, shared with the Rust side); a test keeps their keys identical.
import en from "../../../i18n/en.json";
import es from "../../../i18n/es.json";

export const catalogs = { en, es } as const;
export type Locale = keyof typeof catalogs;
export type MessageKey = keyof typeof en;

const STORAGE_KEY = "session-doctor.locale";

function initialLocale(): Locale {
  const saved = globalThis.localStorage?.getItem(STORAGE_KEY);
  if (saved === "en" || saved === "es") return saved;
  const system = globalThis.navigator?.language ?? "en";
  return system.toLowerCase().startsWith("es") ? "es" : "en";
}

class I18n {
  locale: Locale = $state(initialLocale());

  /** The message for `key`, with `{name}` placeholders filled from `vars`. */
  t = (key: MessageKey, vars: Record<string, string | number> = {}): string => {
    const text: string = catalogs[this.locale][key] ?? catalogs.en[key] ?? key;
    return text.replace(/\{(\w+)\}/g, (_, name: string) => String(vars[name] ?? `{${name}}`));
  };

  set(locale: Locale) {
    this.locale = locale;
    globalThis.localStorage?.setItem(STORAGE_KEY, locale);
    if (globalThis.document) document.documentElement.lang = locale;
  }
}

export const i18n = new I18n();
export const t = i18n.t;
