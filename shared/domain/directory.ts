// Employees and customers as the rest of the domain sees them (E1–E3).
import { normText, sipAccount } from './employee-match.ts';

/** What an employee may do: work calls and tickets, read reports, or administer the tenant. */
export const accessLevels = ['agent', 'analyst', 'admin'] as const;
export type AccessLevel = (typeof accessLevels)[number];

export interface Employee {
  id: string;
  extension: string;
  fullName: string;
  email: string | null;
  sipAccounts: string[];
  phones: string[];
  accessLevel: AccessLevel;
  active: boolean;
}

export interface Customer {
  id: string;
  fullName: string;
  email: string | null;
  company: string | null;
  phones: string[];
  note: string | null;
  responsibleEmployeeId: string | null;
  createdAt: string;
  /** Further email addresses (a merge keeps the other customer's). */
  emails?: string[];
  /** Tenant-defined fields, name → value (E2: searchable; N1: `custom:<name>` pop-up fields). */
  customFields?: Record<string, string>;
  updatedAt?: string;
}

export type CustomerCard = Partial<Pick<Customer, 'fullName' | 'email' | 'company' | 'phones' | 'note' | 'responsibleEmployeeId'>> & {
  id: string;
  customFields?: Record<string, string | null>;
};

/** Pop-up field names: a customer property, or `custom:<name>` for a custom field. */
export const CUSTOM_FIELD_PREFIX = 'custom:';

/** N1: the pop-up shows only the fields the tenant chose. */
export function customerCard(c: Customer, fields: readonly string[]): CustomerCard {
  const card: Record<string, unknown> = { id: c.id };
  const custom: Record<string, string | null> = {};
  for (const f of fields) {
    if (f.startsWith(CUSTOM_FIELD_PREFIX)) {
      const name = f.slice(CUSTOM_FIELD_PREFIX.length);
      custom[name] = c.customFields?.[name] ?? null;
    } else card[f] = (c as unknown as Record<string, unknown>)[f] ?? null;
  }
  if (Object.keys(custom).length > 0) card['customFields'] = custom;
  return card as CustomerCard;
}

// ---------------------------------------------------------------------------------------------
// E1: values unique among active employees

export type EmployeeKeyKind = 'ext' | 'sip' | 'phone' | 'email';

/** The employee field a unique value comes from (for the Conflict message naming it). */
export const employeeKeyField: Record<EmployeeKeyKind, string> = { ext: 'extension', sip: 'sipAccounts', phone: 'phones', email: 'email' };

/**
 * The unique values an employee holds, compared as the employee matcher reads them; only while
 * active (a deactivated employee frees them).
 */
export function employeeUniques(e: Employee): [EmployeeKeyKind, string][] {
  if (!e.active) return [];
  const out: [EmployeeKeyKind, string][] = [
    ['ext', normText(e.extension)],
    ...e.sipAccounts.map((s): [EmployeeKeyKind, string] => ['sip', sipAccount(s)]),
    ...e.phones.map((p): [EmployeeKeyKind, string] => ['phone', p]),
    ...(e.email ? [['email', normText(e.email)] as [EmployeeKeyKind, string]] : []),
  ];
  const seen = new Set<string>();
  return out.filter(([k, v]) => {
    const key = `${k}#${v}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

// ---------------------------------------------------------------------------------------------
// E2: merging two customers

/** Field-by-field merge: the surviving customer's values win, the other's fill the gaps. */
export function mergedCustomer(into: Customer, from: Customer, at: string): Customer {
  const emails = [...new Set([...(into.emails ?? []), ...(from.email ? [from.email] : []), ...(from.emails ?? [])])].filter((e) => e !== (into.email ?? from.email));
  const note = into.note && from.note && into.note !== from.note ? `${into.note}\n\n${from.note}` : (into.note ?? from.note);
  const merged: Customer = {
    ...into,
    fullName: into.fullName || from.fullName,
    email: into.email ?? from.email,
    company: into.company ?? from.company,
    phones: [...new Set([...into.phones, ...from.phones])],
    note,
    responsibleEmployeeId: into.responsibleEmployeeId ?? from.responsibleEmployeeId,
    createdAt: into.createdAt < from.createdAt ? into.createdAt : from.createdAt,
    updatedAt: at,
  };
  if (emails.length > 0) merged.emails = emails;
  const customFields = { ...(from.customFields ?? {}), ...(into.customFields ?? {}) };
  if (Object.keys(customFields).length > 0) merged.customFields = customFields;
  return merged;
}
