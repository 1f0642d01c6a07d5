// E2: the customer search index, pure part — tokens a customer is indexed under, how a query picks
// its bucket, and the verification that turns a bucket into exact matches.
import { describe, expect, it } from 'vitest';
import { customerTokens, matchesPlan, planSearch, words } from '#shared/domain/customer-search.ts';
import { customerCard, type Customer } from '#shared/domain/directory.ts';
import { tenantConfigSchema } from '#shared/config.ts';

const ivan: Customer = {
  id: 'c1',
  fullName: 'Иван Петров',
  email: 'Ivan.Petrov@Example.com',
  company: 'Ромашка LLC',
  phones: ['+79161234567'],
  note: 'VIP, звонить после обеда',
  responsibleEmployeeId: null,
  createdAt: '2026-01-01T00:00:00.000Z',
  customFields: { contract: 'DX-4471', city: 'Novosibirsk' },
};

describe('E2: search tokens', () => {
  it('E2: words are lowercased, diacritics folded, split on anything that is not a letter or digit', () => {
    expect(words('Ёлкин-Палкин, José  o\'Neil')).toEqual(['елкин', 'палкин', 'jose', 'o', 'neil']);
    expect(words(null)).toEqual([]);
  });

  it('E2: a customer is indexed under word prefixes of 2 to 6 characters and phone digit suffixes of 4, 7 and 10', () => {
    const t = customerTokens(ivan);
    for (const tok of ['w:ив', 'w:иван', 'w:петров', 'w:ро', 'w:ромашк', 'w:ex', 'w:exampl', 'w:vi', 'w:vip', 'w:dx', 'w:4471', 'w:novosi', 'w:обеда']) expect(t).toContain(tok);
    expect(t).not.toContain('w:ромашка'); // longer prefixes are not stored: the 6-prefix bucket is verified
    expect(t).not.toContain('w:и'); // single letters are not searchable
    expect(t.filter((x) => x.startsWith('d:'))).toEqual(['d:1234567', 'd:4567', 'd:9161234567']);
    expect(new Set(t).size).toBe(t.length);
  });

  it('E2: the item count per customer stays bounded by its words (≤ 5 per word, 3 per phone)', () => {
    const t = customerTokens({ ...ivan, note: null, customFields: {} });
    const ws = new Set(['иван', 'петров', 'ivan', 'petrov', 'example', 'com', 'ромашка', 'llc']);
    expect(t.length).toBeLessThanOrEqual(ws.size * 5 + 3);
  });
});

describe('E2: search plans and verification', () => {
  const find = (q: string) => {
    const plan = planSearch(q, 'RU');
    if (!plan) throw new Error(`no plan for ${q}`);
    // The bucket must be one the customer is indexed under, and the verification must accept it.
    return customerTokens(ivan).includes(plan.token) && matchesPlan(ivan, plan);
  };

  it('E2: finds by name, email, company, phone, note and custom field, by word prefixes in any case', () => {
    for (const q of ['Петров', 'иван петров', 'петр ив', 'ivan.petrov@example.com', 'example', 'Ромашка', 'ромашка llc', '+7 916 123-45-67', '8 (916) 123 45 67', '1234567', '4567', 'обеда', 'DX-4471', 'novosibirsk', 'Петров 4567']) {
      expect(find(q), q).toBe(true);
    }
  });

  it('E2: words of the query that the customer lacks fail verification even inside a shared bucket', () => {
    for (const q of ['Петров Сидор', 'ivanov', 'ромашкаа', '7654', 'example.org']) {
      const plan = planSearch(q, 'RU')!;
      expect(matchesPlan(ivan, plan), q).toBe(false);
    }
  });

  it('E2: the bucket is the longest lettered word cut to 6 characters; numbers use the longest phone suffix', () => {
    expect(planSearch('ив Петровский', 'RU')!.token).toBe('w:петров');
    expect(planSearch('8 916 123 45 67', 'RU')).toMatchObject({ token: 'd:9161234567', phone: '+79161234567' });
    expect(planSearch('45-67', 'RU')).toMatchObject({ token: 'd:4567', phone: null });
    expect(planSearch('x', 'RU')).toBeNull();
    expect(planSearch('123', 'RU')).toMatchObject({ token: 'w:123', digits: null }); // short numbers: words ("DX-4471")
  });
});

describe('N1: pop-up fields', () => {
  it('N1: the card shows only the chosen fields, custom fields as custom:<name>', () => {
    expect(customerCard(ivan, ['fullName', 'custom:contract', 'custom:missing'])).toEqual({ id: 'c1', fullName: 'Иван Петров', customFields: { contract: 'DX-4471', missing: null } });
    expect(customerCard(ivan, ['fullName', 'email', 'company'])).toEqual({ id: 'c1', fullName: 'Иван Петров', email: 'Ivan.Petrov@Example.com', company: 'Ромашка LLC' });
  });

  it('N1: tenant settings accept custom:<name> pop-up fields and reject unknown ones', () => {
    const base = { tenant: 'acme', authSecret: 'x'.repeat(32) };
    expect(tenantConfigSchema.parse({ ...base, popupFields: ['fullName', 'custom:contract'] }).popupFields).toEqual(['fullName', 'custom:contract']);
    expect(tenantConfigSchema.safeParse({ ...base, popupFields: ['password'] }).success).toBe(false);
  });
});
