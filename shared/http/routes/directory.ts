// Employees and customers (E1–E3), the caller lookup, and linking a call's caller to a customer.
// Pure data: no AWS, no tenant settings.
import { z } from 'zod';
import { accessLevels } from '../../domain/directory.ts';
import { agentMessages } from '../../events/agent-messages.ts';
import type { RouteSpec } from '../api.ts';
import { idParams, pageOf, readers, resourceId, writers } from './core.ts';
import { pageQuery } from '../query.ts';

const admins = ['admin'] as const satisfies RouteSpec['roles'];

const phoneList = z.array(z.string().min(1).max(40)).max(20).describe('Phone numbers in any spelling; stored as E.164 with the tenant country');
const email = z.string().trim().toLowerCase().pipe(z.email()).describe('Email address');

export const employeeSchema = z.object({
  id: z.string().describe('Stable id for integrations: the `externalId` given at creation, else a ULID'),
  extension: z.string(),
  fullName: z.string(),
  email: z.string().nullable(),
  sipAccounts: z.array(z.string()),
  phones: z.array(z.string()).describe('E.164'),
  accessLevel: z.enum(accessLevels),
  active: z.boolean(),
});

const extension = z
  .string()
  .trim()
  .regex(/^[0-9A-Za-z*#+_.-]{1,32}$/, 'an extension is 1 to 32 digits, letters or *#+_.-')
  .describe('Internal number, unique per tenant');
const sipAccounts = z.array(z.string().trim().min(1).max(200)).max(20).describe('SIP accounts (`anna`, `sip:anna@pbx.example`), each unique per tenant');

export const createEmployeeBody = z.strictObject({
  externalId: resourceId.optional().describe('Your id for this employee (becomes `id`); a ULID when absent'),
  extension,
  fullName: z.string().trim().min(1).max(200),
  email: email.nullable().optional(),
  sipAccounts: sipAccounts.optional(),
  phones: phoneList.optional(),
  accessLevel: z.enum(accessLevels).default('agent'),
  active: z.boolean().default(true),
});

export const patchEmployeeBody = z.strictObject({
  extension: extension.optional(),
  fullName: z.string().trim().min(1).max(200).optional(),
  email: email.nullable().optional(),
  sipAccounts: sipAccounts.optional(),
  phones: phoneList.optional(),
  accessLevel: z.enum(accessLevels).optional(),
  active: z.boolean().optional(),
});

export const customerSchema = z.object({
  id: z.string(),
  fullName: z.string(),
  email: z.string().nullable(),
  company: z.string().nullable(),
  phones: z.array(z.string()).describe('E.164, each owned by exactly one customer'),
  note: z.string().nullable(),
  responsibleEmployeeId: z.string().nullable().describe('The responsible manager (E3)'),
  createdAt: z.string(),
  emails: z.array(z.string()).optional().describe('Further email addresses'),
  customFields: z.record(z.string(), z.string()).optional(),
  updatedAt: z.string().optional(),
});

const customFields = z
  .record(z.string().trim().min(1).max(64), z.string().max(1000))
  .refine((r) => Object.keys(r).length <= 50, 'at most 50 custom fields')
  .describe('Tenant-defined fields, name → value; searchable');

export const createCustomerBody = z.strictObject({
  fullName: z.string().trim().min(1).max(200),
  email: email.nullable().optional(),
  emails: z.array(email).max(10).optional(),
  company: z.string().trim().max(200).nullable().optional(),
  phones: phoneList.optional(),
  note: z.string().max(10_000).nullable().optional(),
  responsibleEmployeeId: resourceId.nullable().optional(),
  customFields: customFields.optional(),
});

export const patchCustomerBody = createCustomerBody.partial();

export const customerCardSchema = z
  .object({ id: z.string(), customFields: z.record(z.string(), z.string().nullable()).optional() })
  .catchall(z.unknown())
  .describe("The customer fields the tenant's `popupFields` select (N1)");

export const searchQuery = pageQuery.extend({
  q: z.string().trim().min(1).max(200).describe('Words (prefixes) of name, email, company, note or custom field values, or a phone number or its last digits'),
  limit: z.coerce.number().int().min(1).max(50).default(20),
});

export const createEmployeeRoute = {
  id: 'createEmployee',
  method: 'POST',
  path: '/employees',
  summary:
    'Register an employee; extension, SIP accounts, phones and email are unique per tenant (E1). With an email (and active) they are invited to sign in: an email with a temporary password, their access level as their group (S6). Give `externalId` to make a retry idempotent',
  roles: [...admins],
  body: createEmployeeBody,
  response: employeeSchema,
  status: 201,
  errors: [409, 502],
} satisfies RouteSpec;

export const listEmployeesRoute = {
  id: 'listEmployees',
  method: 'GET',
  path: '/employees',
  summary: 'The employee directory, cursor-paginated',
  roles: [...readers],
  query: pageQuery,
  response: pageOf(employeeSchema),
} satisfies RouteSpec;

export const getEmployeeRoute = {
  id: 'getEmployee',
  method: 'GET',
  path: '/employees/{id}',
  summary: 'One employee',
  roles: [...readers],
  params: idParams,
  response: employeeSchema,
  errors: [404],
} satisfies RouteSpec;

export const patchEmployeeRoute = {
  id: 'updateEmployee',
  method: 'PATCH',
  path: '/employees/{id}',
  summary:
    'Change an employee: removed numbers and accounts are released, new ones claimed atomically (E1); their login follows email, access level and `active` (S6)',
  roles: [...admins],
  params: idParams,
  body: patchEmployeeBody,
  response: employeeSchema,
  errors: [404, 409, 502],
} satisfies RouteSpec;

export const deactivateEmployeeRoute = {
  id: 'deactivateEmployee',
  method: 'POST',
  path: '/employees/{id}/deactivate',
  summary:
    'Deactivate an employee: calls are no longer attributed to them, their numbers are free, their tokens are refused at once, their login is disabled and signed out, their WebSockets closed (S6)',
  roles: [...admins],
  params: idParams,
  response: employeeSchema,
  errors: [404, 502],
} satisfies RouteSpec;

export const createCustomerRoute = {
  id: 'createCustomer',
  method: 'POST',
  path: '/customers',
  summary: 'Create a customer; phones are unique per tenant; past calls from its phones become linked (E2)',
  roles: [...writers],
  body: createCustomerBody,
  response: customerSchema,
  status: 201,
  errors: [409],
} satisfies RouteSpec;

export const searchCustomersRoute = {
  id: 'searchCustomers',
  method: 'GET',
  path: '/customers',
  summary: 'Search customers by name, email, company, phone, note or custom field (E2; an index, never a Scan)',
  roles: [...readers],
  query: searchQuery,
  response: pageOf(customerSchema),
} satisfies RouteSpec;

export const getCustomerRoute = {
  id: 'getCustomer',
  method: 'GET',
  path: '/customers/{id}',
  summary: 'One customer; the id of a merged-away customer answers the customer it was merged into',
  roles: [...readers],
  params: idParams,
  response: customerSchema,
  errors: [404],
} satisfies RouteSpec;

export const patchCustomerRoute = {
  id: 'updateCustomer',
  method: 'PATCH',
  path: '/customers/{id}',
  summary: 'Change a customer; past calls from phones it gains become linked (E2)',
  roles: [...writers],
  params: idParams,
  body: patchCustomerBody,
  response: customerSchema,
  errors: [404, 409],
} satisfies RouteSpec;

export const mergeCustomerRoute = {
  id: 'mergeCustomers',
  method: 'POST',
  path: '/customers/{id}/merge',
  summary: 'Merge customer `from` into this one: phones, emails and fields move; `from` then points here',
  roles: [...writers],
  params: idParams,
  body: z.strictObject({ from: resourceId }),
  response: customerSchema,
  errors: [404, 409],
} satisfies RouteSpec;

export const linkCallCustomerRoute = {
  id: 'linkCallCustomer',
  method: 'POST',
  path: '/calls/{id}/customer',
  summary: "Link the caller to an existing customer: the call's number joins its phones, past calls from it become linked (E2, T6)",
  roles: [...writers],
  params: idParams,
  body: z.strictObject({ customerId: resourceId }),
  response: z.object({ customer: customerSchema, linkedCalls: z.number().int().describe('Calls from the number now linked to the customer') }),
  errors: [404, 409],
} satisfies RouteSpec;

export const lookupRoute = {
  id: 'lookupNumber',
  method: 'GET',
  path: '/lookup',
  summary: "Who is calling and who is their responsible manager (E3): the customer's card and the employee",
  roles: [...readers],
  query: z.object({ phone: z.string().trim().min(1).max(64) }),
  response: z.object({
    customer: customerCardSchema.nullable(),
    responsible: z.object({ id: z.string(), extension: z.string(), fullName: z.string() }).nullable(),
  }),
} satisfies RouteSpec;

export const myCallsRoute = {
  id: 'listMyCurrentCalls',
  method: 'GET',
  path: '/me/calls',
  summary:
    'The calls ringing at or answered by the caller now (not ended), newest first, each as the pop-up the WebSocket pushed (N1). ' +
    'A console fetches them after a reconnect, so no pop-up is lost while the connection was down; a call missing here has ended or was answered by a colleague.',
  roles: [...readers],
  response: z.object({ items: z.array(agentMessages.incoming_call) }),
} satisfies RouteSpec;

export const employeeRoutes = [createEmployeeRoute, listEmployeesRoute, getEmployeeRoute, patchEmployeeRoute, deactivateEmployeeRoute];
export const customerRoutes = [createCustomerRoute, searchCustomersRoute, getCustomerRoute, patchCustomerRoute, mergeCustomerRoute];

export const directoryRoutes: RouteSpec[] = [...employeeRoutes, ...customerRoutes, linkCallCustomerRoute, lookupRoute, myCallsRoute];
