// The language the console speaks now, for every component: words, dates and times.
import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import { translate, type ConsoleLocale, type MessageKey } from '../i18n.ts';

export interface I18n {
  locale: ConsoleLocale;
  t(key: MessageKey, params?: Record<string, string | number>): string;
  dateTime(iso: string): string;
  setLocale(locale: ConsoleLocale): void;
}

export function makeI18n(locale: ConsoleLocale, setLocale: (l: ConsoleLocale) => void): I18n {
  const format = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' });
  return {
    locale,
    t: (key, params) => translate(locale, key, params),
    dateTime: (iso) => format.format(new Date(iso)),
    setLocale,
  };
}

export const I18nContext = createContext<I18n | null>(null);

export function useI18n(): I18n {
  const i18n = useContext(I18nContext);
  if (!i18n) throw new Error('useI18n outside I18nContext');
  return i18n;
}
