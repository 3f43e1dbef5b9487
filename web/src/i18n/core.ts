// The framework-free half of i18n: locales, message formatting and the remembered choice.
import zhCN, { type MessageKey, type Messages } from './zh-CN';
import enUS from './en-US';

export type Locale = 'zh-CN' | 'en-US';
export type { MessageKey, Messages };

export const LOCALES: Locale[] = ['zh-CN', 'en-US'];
export const DEFAULT_LOCALE: Locale = 'zh-CN';
export const STORAGE_KEY = 'rudder.locale';

export const messages: Record<Locale, Messages> = { 'zh-CN': zhCN, 'en-US': enUS };

export type Vars = Record<string, string | number | null | undefined>;

/** Replaces {name} placeholders; unknown placeholders stay as written. */
export function interpolate(template: string, vars?: Vars): string {
  if (!vars) return template;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const v = vars[name];
    return v === undefined || v === null ? whole : String(v);
  });
}

export function translate(locale: Locale, key: MessageKey, vars?: Vars): string {
  const dict = messages[locale] ?? messages[DEFAULT_LOCALE];
  return interpolate(dict[key] ?? messages[DEFAULT_LOCALE][key] ?? key, vars);
}

/** For keys built at run time (perm.<key>, field.<name>): the message, or `fallback` when there is none. */
export function translateDynamic(locale: Locale, key: string, fallback: string, vars?: Vars): string {
  const dict = messages[locale] as Record<string, string>;
  const msg = Object.prototype.hasOwnProperty.call(dict, key) ? dict[key] : undefined;
  return msg === undefined ? fallback : interpolate(msg, vars);
}

export function isLocale(v: unknown): v is Locale {
  return typeof v === 'string' && (LOCALES as string[]).includes(v);
}

interface StorageLike {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

function defaultStorage(): StorageLike | undefined {
  try {
    return typeof localStorage === 'undefined' ? undefined : localStorage;
  } catch {
    return undefined;
  }
}

/** The remembered locale, or zh-CN. */
export function loadLocale(storage: StorageLike | undefined = defaultStorage()): Locale {
  try {
    const v = storage?.getItem(STORAGE_KEY);
    return isLocale(v) ? v : DEFAULT_LOCALE;
  } catch {
    return DEFAULT_LOCALE;
  }
}

export function saveLocale(locale: Locale, storage: StorageLike | undefined = defaultStorage()): void {
  try {
    storage?.setItem(STORAGE_KEY, locale);
  } catch {
    // private mode or storage full: the choice lasts for this page only
  }
}
