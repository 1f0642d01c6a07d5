// E1–E3 behind the admin API: request bodies → directory changes (employees' logins with them in
// employee-logins.ts), phones normalized to E.164 with
// the tenant's country, responsible employees checked to exist.
import { ulid } from 'ulid';
import { getCall } from '../adapters/calls-repo.ts';
import { callIdsOfPhone, linkPastCalls, setCallCustomer } from '../adapters/call-customers-repo.ts';
import { createCustomer, getCustomer, updateCustomer } from '../adapters/customers-repo.ts';
import { getEmployee } from '../adapters/employees-repo.ts';
import type { Customer, Employee } from '../domain/directory.ts';
import { Conflict, Invalid, NotFound } from '../domain/errors.ts';
import { normalizePhone } from '../domain/phone.ts';

/** E.164 of every number (deduplicated); Invalid naming the field for one that is not a phone number. */
export function normalizePhones(field: string, raw: readonly string[] | undefined, country: string): string[] {
  const out: string[] = [];
  for (const value of raw ?? []) {
    const { e164 } = normalizePhone(value, country);
    if (!e164) throw new Invalid(`${field}: "${value}" is not a phone number`, 'invalid_body');
    if (!out.includes(e164)) out.push(e164);
  }
  return out;
}

const dedupe = (xs: readonly string[] | undefined) => [...new Set(xs ?? [])];

export interface EmployeeInput {
  externalId?: string | undefined;
  extension?: string | undefined;
  fullName?: string | undefined;
  email?: string | null | undefined;
  sipAccounts?: string[] | undefined;
  phones?: string[] | undefined;
  accessLevel?: Employee['accessLevel'] | undefined;
  active?: boolean | undefined;
}

/** E1: the employee a registration describes (phones normalized; Invalid before anything is stored). */
export function buildEmployee(b: EmployeeInput & { extension: string; fullName: string }, country: string): Employee {
  return {
    id: b.externalId ?? ulid(),
    extension: b.extension,
    fullName: b.fullName,
    email: b.email ?? null,
    sipAccounts: dedupe(b.sipAccounts),
    phones: normalizePhones('phones', b.phones, country),
    accessLevel: b.accessLevel ?? 'agent',
    active: b.active ?? true,
  };
}

/** E1: `e` with the fields a change gives (phones already normalized by the caller). */
export function changedEmployee(e: Employee, b: EmployeeInput, phones: string[] | undefined): Employee {
  return {
    ...e,
    ...(b.extension !== undefined ? { extension: b.extension } : {}),
    ...(b.fullName !== undefined ? { fullName: b.fullName } : {}),
    ...(b.email !== undefined ? { email: b.email } : {}),
    ...(b.sipAccounts !== undefined ? { sipAccounts: dedupe(b.sipAccounts) } : {}),
    ...(phones !== undefined ? { phones } : {}),
    ...(b.accessLevel !== undefined ? { accessLevel: b.accessLevel } : {}),
    ...(b.active !== undefined ? { active: b.active } : {}),
  };
}

export interface CustomerInput {
  fullName?: string | undefined;
  email?: string | null | undefined;
  emails?: string[] | undefined;
  company?: string | null | undefined;
  phones?: string[] | undefined;
  note?: string | null | undefined;
  responsibleEmployeeId?: string | null | undefined;
  customFields?: Record<string, string> | undefined;
}

async function checkResponsible(tenant: string, id: string | null | undefined): Promise<void> {
  if (id && !(await getEmployee(tenant, id))) throw new Invalid(`responsibleEmployeeId: no employee ${id}`, 'invalid_body');
}

export async function registerCustomer(tenant: string, country: string, b: CustomerInput & { fullName: string }, now = new Date().toISOString()): Promise<Customer> {
  await checkResponsible(tenant, b.responsibleEmployeeId);
  const customer: Customer = {
    id: ulid(),
    fullName: b.fullName,
    email: b.email ?? null,
    company: b.company ?? null,
    phones: normalizePhones('phones', b.phones, country),
    note: b.note ?? null,
    responsibleEmployeeId: b.responsibleEmployeeId ?? null,
    createdAt: now,
    updatedAt: now,
    ...(b.emails?.length ? { emails: dedupe(b.emails) } : {}),
    ...(b.customFields && Object.keys(b.customFields).length > 0 ? { customFields: b.customFields } : {}),
  };
  return createCustomer(tenant, customer);
}

export async function changeCustomer(tenant: string, country: string, id: string, b: CustomerInput, now = new Date().toISOString()): Promise<Customer> {
  await checkResponsible(tenant, b.responsibleEmployeeId);
  const phones = b.phones ? normalizePhones('phones', b.phones, country) : undefined;
  const updated = await updateCustomer(tenant, id, (c) => {
    const next: Customer = { ...c, updatedAt: now };
    if (b.fullName !== undefined) next.fullName = b.fullName;
    if (b.email !== undefined) next.email = b.email;
    if (b.company !== undefined) next.company = b.company;
    if (b.note !== undefined) next.note = b.note;
    if (b.responsibleEmployeeId !== undefined) next.responsibleEmployeeId = b.responsibleEmployeeId;
    if (phones !== undefined) next.phones = phones;
    if (b.emails !== undefined) next.emails = dedupe(b.emails);
    if (b.customFields !== undefined) next.customFields = b.customFields;
    return next;
  });
  if (!updated) throw new NotFound('customer not found');
  return updated;
}

/**
 * E2/T6: the caller of a call becomes (a phone of) an existing customer; every past call from
 * the number, this one included, is linked to the customer.
 */
export async function linkCallToCustomer(tenant: string, callId: string, customerId: string, now = new Date().toISOString()): Promise<{ customer: Customer; linkedCalls: number }> {
  const call = await getCall(tenant, callId);
  if (!call) throw new NotFound('call not found');
  const number = call.customerNumber;
  if (!number) throw new Conflict('call: the caller\'s number is withheld or not a phone number; nothing to link');
  const current = await getCustomer(tenant, customerId);
  if (!current) throw new NotFound(`customer ${customerId} not found`);
  // Adding the phone links the number's ended calls (the phone-calls index) as part of the write.
  let customer = current;
  if (current.phones.includes(number)) await linkPastCalls(tenant, number, current.id);
  else customer = (await updateCustomer(tenant, current.id, (c) => ({ ...c, phones: [...c.phones, number], updatedAt: now }))) ?? current;
  // This call may still be in progress (not in the index yet), and a GSI lags a little.
  await setCallCustomer(tenant, callId, number, customer.id);
  const ids = new Set([...(await callIdsOfPhone(tenant, number)), callId]);
  return { customer, linkedCalls: ids.size };
}
