// E3: which employee is responsible for a caller's number (providers' "contact" requests, GET /lookup).
import { findCustomerByPhone } from '../adapters/customers-repo.ts';
import { listEmployees } from '../adapters/employees-repo.ts';
import type { Customer } from '../domain/directory.ts';
import { normalizePhone } from '../domain/phone.ts';
import type { LookupEmployee } from '../providers/provider.ts';

export async function responsibleEmployee(tenant: string, country: string, rawPhone: string): Promise<LookupEmployee | null> {
  return (await callerOf(tenant, country, rawPhone)).responsible;
}

/** The customer behind a number (when known) and their responsible manager, if active. */
export async function callerOf(tenant: string, country: string, rawPhone: string): Promise<{ customer: Customer | null; responsible: LookupEmployee | null }> {
  const { e164 } = normalizePhone(rawPhone, country);
  if (!e164) return { customer: null, responsible: null };
  const customer = await findCustomerByPhone(tenant, e164);
  return { customer, responsible: await responsibleOf(tenant, customer) };
}

export async function responsibleOf(tenant: string, customer: Customer | null): Promise<LookupEmployee | null> {
  if (!customer?.responsibleEmployeeId) return null;
  const employee = (await listEmployees(tenant)).find((e) => e.id === customer.responsibleEmployeeId && e.active);
  return employee ? { id: employee.id, extension: employee.extension, fullName: employee.fullName, email: employee.email } : null;
}
