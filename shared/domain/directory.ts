// Employees and customers as the rest of the domain sees them (E1–E3).
export type AccessLevel = 'agent' | 'analyst' | 'admin';

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
  for (const f of fields) {
    if (f.startsWith(CUSTOM_FIELD_PREFIX)) {
      const name = f.slice(CUSTOM_FIELD_PREFIX.length);
      const custom = (card['customFields'] ??= {}) as Record<string, string | null>;
      custom[name] = c.customFields?.[name] ?? null;
    } else card[f] = (c as unknown as Record<string, unknown>)[f] ?? null;
  }
  return card as CustomerCard;
}
