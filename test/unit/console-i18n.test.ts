// C4: the console speaks English and Russian from one catalogue; neither language may miss a word.
import { describe, expect, it } from 'vitest';
import { catalogue, isLocale, locales, translate } from '../../web/src/i18n.ts';

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('console catalogue', () => {
  it('C4: ru has every en key and no other, each non-empty with the same placeholders', () => {
    const en = catalogue.en;
    const ru = catalogue.ru;
    expect(Object.keys(ru).sort()).toEqual(Object.keys(en).sort());
    for (const key of Object.keys(en) as (keyof typeof en)[]) {
      expect(ru[key].trim(), key).not.toBe('');
      expect(placeholders(ru[key]), key).toEqual(placeholders(en[key]));
    }
  });

  it('C4: fills placeholders and leaves unknown ones as written', () => {
    expect(translate('en', 'header.user', { name: 'Anna Smirnova' })).toBe('Logged in as Anna Smirnova');
    expect(translate('ru', 'login.fillAs', { name: 'Анна' })).toBe('Заполнить форму: Анна');
    expect(translate('en', 'header.user')).toBe('Logged in as {name}');
  });

  it('knows its languages', () => {
    expect(locales).toEqual(['en', 'ru']);
    expect(isLocale('ru')).toBe(true);
    expect(isLocale('de')).toBe(false);
    expect(isLocale(undefined)).toBe(false);
  });
});
