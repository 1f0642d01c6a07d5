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
}

export type CustomerCard = Partial<Pick<Customer, 'fullName' | 'email' | 'company' | 'phones' | 'note'>> & { id: string };

/** N1: the pop-up shows only the fields the tenant chose. */
export function customerCard(c: Customer, fields: readonly string[]): CustomerCard {
  const card: Record<string, unknown> = { id: c.id };
  for (const f of fields) card[f] = (c as unknown as Record<string, unknown>)[f] ?? null;
  return card as CustomerCard;
}
