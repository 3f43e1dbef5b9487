// React side of i18n: the provider (antd + dayjs locales follow) and the useI18n hook.
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { ConfigProvider, App as AntApp } from 'antd';
import antdZhCN from 'antd/locale/zh_CN';
import antdEnUS from 'antd/locale/en_US';
import dayjs from 'dayjs';
import 'dayjs/locale/zh-cn';
import 'dayjs/locale/en';
import { setApiLanguage } from '../api';
import {
  loadLocale,
  saveLocale,
  translate,
  translateDynamic,
  type Locale,
  type MessageKey,
  type Vars,
} from './core';

export * from './core';

export interface I18n {
  locale: Locale;
  setLocale: (l: Locale) => void;
  t: (key: MessageKey, vars?: Vars) => string;
  /** Translate a run-time key (e.g. `perm.user.write`), falling back to `fallback`. */
  td: (key: string, fallback: string, vars?: Vars) => string;
}

const I18nContext = createContext<I18n | null>(null);

const dayjsLocale: Record<Locale, string> = { 'zh-CN': 'zh-cn', 'en-US': 'en' };
const antdLocale = { 'zh-CN': antdZhCN, 'en-US': antdEnUS };

function applyLocale(locale: Locale) {
  dayjs.locale(dayjsLocale[locale]);
  setApiLanguage(locale);
  if (typeof document !== 'undefined') document.documentElement.lang = locale;
}

export function I18nProvider({ children }: { children: ReactNode }) {
  const [locale, setLocaleState] = useState<Locale>(() => {
    const l = loadLocale();
    applyLocale(l);
    return l;
  });

  useEffect(() => {
    applyLocale(locale);
    document.title = translate(locale, 'app.title');
  }, [locale]);

  const setLocale = useCallback((l: Locale) => {
    saveLocale(l);
    applyLocale(l);
    setLocaleState(l);
  }, []);

  const value = useMemo<I18n>(
    () => ({
      locale,
      setLocale,
      t: (key, vars) => translate(locale, key, vars),
      td: (key, fallback, vars) => translateDynamic(locale, key, fallback, vars),
    }),
    [locale, setLocale],
  );

  return (
    <I18nContext.Provider value={value}>
      <ConfigProvider locale={antdLocale[locale]} theme={{ token: { colorPrimary: '#1677ff' } }}>
        <AntApp>{children}</AntApp>
      </ConfigProvider>
    </I18nContext.Provider>
  );
}

export function useI18n(): I18n {
  const ctx = useContext(I18nContext);
  if (!ctx) throw new Error('useI18n outside I18nProvider');
  return ctx;
}
