// The pure directory rules: which values an employee holds uniquely (E1), and how two customers merge (E2).
import { describe, expect, it } from 'vitest';
import { employeeUniques, mergedCustomer, type Customer, type Employee } from '#shared/domain/directory.ts';

const anna: Employee = {
  id: 'emp-101',
  extension: ' 101 ',
  fullName: 'Anna Smirnova',
  email: 'Anna.Smirnova@Example.com',
  sipAccounts: ['sip:anna@pbx.example;transport=udp', 'anna@pbx.example', 'sips:ANNA-2@pbx.example'],
  phones: ['+79161112233'],
  accessLevel: 'agent',
  active: true,
};

describe('employeeUniques', () => {
  it('E1: extension, SIP accounts, phones and email, spelled as the call attribution reads them, once each', () => {
    expect(employeeUniques(anna)).toEqual([
      ['ext', '101'],
      ['sip', 'anna@pbx.example'],
      ['sip', 'anna-2@pbx.example'],
      ['phone', '+79161112233'],
      ['email', 'anna.smirnova@example.com'],
    ]);
  });

  it('E1: a deactivated employee holds nothing, so another may take the extension', () => {
    expect(employeeUniques({ ...anna, active: false })).toEqual([]);
    expect(employeeUniques({ ...anna, email: null }).map(([kind]) => kind)).not.toContain('email');
  });
});

describe('mergedCustomer', () => {
  const ivan: Customer = {
    id: 'cus-1',
    fullName: 'Ivan Petrov',
    email: 'ivan@example.com',
    company: null,
    phones: ['+79161234567'],
    note: 'prefers mornings',
    responsibleEmployeeId: null,
    createdAt: '2026-02-01T00:00:00.000Z',
    customFields: { tier: 'gold' },
  };
  const duplicate: Customer = {
    id: 'cus-2',
    fullName: 'I. Petrov',
    email: 'petrov@work.example',
    company: 'Acme',
    phones: ['+74951234567', '+79161234567'],
    note: 'call the office first',
    responsibleEmployeeId: 'emp-101',
    createdAt: '2026-01-01T00:00:00.000Z',
    emails: ['ivan@example.com'],
    customFields: { tier: 'silver', contract: 'A-7' },
  };

  it('E2: the surviving customer’s values win, the other’s fill the gaps; phones, emails and notes are joined', () => {
    expect(mergedCustomer(ivan, duplicate, '2026-03-01T00:00:00.000Z')).toEqual({
      id: 'cus-1',
      fullName: 'Ivan Petrov',
      email: 'ivan@example.com',
      emails: ['petrov@work.example'],
      company: 'Acme',
      phones: ['+79161234567', '+74951234567'],
      note: 'prefers mornings\n\ncall the office first',
      responsibleEmployeeId: 'emp-101',
      createdAt: '2026-01-01T00:00:00.000Z',
      updatedAt: '2026-03-01T00:00:00.000Z',
      customFields: { tier: 'gold', contract: 'A-7' },
    });
  });
});
