// E3: which employee is responsible for a caller's number (providers' "contact" requests).
import { findCustomerByPhone, listEmployees } from '../adapters/directory-repo.ts';
import { normalizePhone } from '../domain/phone.ts';
import type { LookupEmployee } from '../providers/provider.ts';

export async function responsibleEmployee(tenant: string, country: string, rawPhone: string): Promise<LookupEmployee | null> {
  const { e164 } = normalizePhone(rawPhone, country);
  if (!e164) return null;
  const customer = await findCustomerByPhone(tenant, e164);
  if (!customer?.responsibleEmployeeId) return null;
  const employee = (await listEmployees(tenant)).find((e) => e.id === customer.responsibleEmployeeId && e.active);
  return employee ? { id: employee.id, extension: employee.extension, fullName: employee.fullName, email: employee.email } : null;
}
