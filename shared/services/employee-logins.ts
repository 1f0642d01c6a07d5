// E1 + S6: an employee's directory entry and their login move together. An employee with an email
// who is active can sign in (Cognito invitation, access-level group, `custom:employeeId`); deactivated
// they cannot, are signed out everywhere and lose their open WebSockets.
//
// Order, and why: the directory is written first, the user pool second.
// - Registering: the directory's conditional write is where most refusals happen (a taken extension,
//   phone or email: 409), and it happens before anything is sent to anyone. The invitation email is
//   the one step that cannot be taken back, so it goes last; if the login cannot be made, the new
//   entry is removed again (compensation) and the caller gets the user pool's refusal.
// - Changing or deactivating: the directory's `active` flag and access level are what every token
//   check reads (shared/http/principal.ts), so writing them first revokes access at once; the user
//   pool follows. If it fails, the change is kept — undoing a deactivation would give access back —
//   and the error says to repeat the request, which converges (every step is idempotent).
import type { Employee } from '../domain/directory.ts';
import { stableJson } from '../domain/stable-json.ts';
import { Conflict, DomainError, NotFound, UpstreamFailure } from '../domain/errors.ts';
import { createEmployee, getEmployee, removeNewEmployee, updateEmployee } from '../adapters/employees-repo.ts';
import type { UserPool } from '../adapters/user-pool.ts';
import { buildEmployee, changedEmployee, type EmployeeInput, normalizePhones } from './directory.ts';

export interface EmployeeLoginPorts {
  userPool: UserPool;
  /** Closes the employee's WebSocket connections (API Gateway DeleteConnection). */
  disconnect(tenant: string, employeeId: string): Promise<number>;
}

/** Fields whose change reaches the login; a PATCH of only phones or SIP accounts leaves the user pool alone. */
const LOGIN_FIELDS = ['email', 'accessLevel', 'active'] as const;

function loginFailure(err: unknown, saved: boolean): Error {
  if (err instanceof Conflict && saved) return new Conflict(`the employee was saved, but their login was not changed: ${err.message}`, err.code);
  if (err instanceof DomainError) return err;
  const reason = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  return saved
    ? new UpstreamFailure(`the employee was saved, but their login could not be updated (${reason}); repeat the request`, 'login_unavailable')
    : new UpstreamFailure(`the employee's login could not be made (${reason}); nothing was saved, try again`, 'login_unavailable');
}

/** Brings the user pool in line with the directory entry (`before` → `after`); every step idempotent. */
async function syncLogin(tenant: string, ports: EmployeeLoginPorts, before: Employee | null, after: Employee): Promise<void> {
  const previous = before?.email ?? null;
  if (previous && after.email && previous !== after.email) await ports.userPool.changeLoginEmail(previous, after.email);
  // Without an email there is no one to sign in as; a removed address ends the login it had.
  const email = after.email ?? previous;
  if (after.active && after.email) {
    await ports.userPool.ensureLogin({ email: after.email, name: after.fullName, role: after.accessLevel, employeeId: after.id });
  } else if (email) {
    await ports.userPool.disableLogin(email);
  }
  if (!after.active) await ports.disconnect(tenant, after.id);
}

// Key order differs between a stored item and one just built.
const sameEmployee = (a: Employee, b: Employee) => stableJson(a) === stableJson(b);

/**
 * E1: a new employee; with an email and active, invited to sign in. Idempotent for a client that
 * names the employee (`externalId`): a retry of the same request converges and answers the same employee.
 */
export async function registerEmployee(
  tenant: string,
  country: string,
  b: EmployeeInput & { extension: string; fullName: string },
  ports: EmployeeLoginPorts,
): Promise<Employee> {
  const employee = buildEmployee(b, country);
  try {
    await createEmployee(tenant, employee);
  } catch (err) {
    const existing = err instanceof Conflict && b.externalId ? await getEmployee(tenant, b.externalId) : null;
    if (!existing || !sameEmployee(existing, employee)) throw err;
    // The same request again (its answer was lost, or its login step failed): finish it.
    try {
      await syncLogin(tenant, ports, null, existing);
    } catch (e) {
      throw loginFailure(e, true);
    }
    return existing;
  }
  try {
    await syncLogin(tenant, ports, null, employee);
  } catch (err) {
    await removeNewEmployee(tenant, employee);
    throw loginFailure(err, false);
  }
  return employee;
}

/** E1: changes an employee; a change of email, access level or `active` moves their login with it. */
export async function changeEmployee(tenant: string, country: string, id: string, b: EmployeeInput, ports: EmployeeLoginPorts): Promise<Employee> {
  const phones = b.phones ? normalizePhones('phones', b.phones, country) : undefined;
  let before = null as Employee | null;
  const updated = await updateEmployee(tenant, id, (e) => {
    before = e;
    return changedEmployee(e, b, phones);
  });
  if (!updated) throw new NotFound('employee not found');
  if (LOGIN_FIELDS.some((f) => b[f] !== undefined)) {
    try {
      await syncLogin(tenant, ports, before, updated);
    } catch (err) {
      throw loginFailure(err, true);
    }
  }
  return updated;
}

/** S6: deactivation revokes access at once (directory), then the login and the open WebSockets. */
export function deactivateEmployee(tenant: string, country: string, id: string, ports: EmployeeLoginPorts): Promise<Employee> {
  return changeEmployee(tenant, country, id, { active: false }, ports);
}
