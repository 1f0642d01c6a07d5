// The order of an employee's directory entry and login, under injected user-pool failures (S6, E1):
// a refused invitation leaves no employee; a deactivation the pool cannot complete stays in force
// (access is revoked by the directory) and a repeat converges; fields that do not reach the login
// leave the pool alone. The directory is an in-memory stand-in for the repository (tested against
// DynamoDB Local by the system tests); the user pool is a plain object that records and fails on cue.
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { Employee } from '#shared/domain/directory.ts';
import { Conflict } from '#shared/domain/errors.ts';
import type { Invitee, UserPool } from '#shared/adapters/user-pool.ts';

const stored = new Map<string, Employee>();
vi.mock('#shared/adapters/employees-repo.ts', () => ({
  createEmployee: async (_t: string, e: Employee) => {
    if (stored.has(e.id)) throw new Conflict(`id: employee ${e.id} already exists`);
    stored.set(e.id, structuredClone(e));
    return e;
  },
  getEmployee: async (_t: string, id: string) => structuredClone(stored.get(id) ?? null),
  updateEmployee: async (_t: string, id: string, change: (e: Employee) => Employee) => {
    const e = stored.get(id);
    if (!e) return null;
    const next = { ...change(structuredClone(e)), id };
    stored.set(id, next);
    return structuredClone(next);
  },
  removeNewEmployee: async (_t: string, e: Employee) => {
    stored.delete(e.id);
  },
}));

// The directory service module imports the other repositories too (never called here).
process.env['TABLE_NAME'] ??= 'unused';
const { changeEmployee, deactivateEmployee, registerEmployee } = await import('#shared/services/employee-logins.ts');

/** A user pool that records calls; `failing` names the operation that throws next (as the SDK would on an outage). */
function recordingPool() {
  const calls: string[] = [];
  const logins = new Map<string, Invitee & { enabled: boolean }>();
  let failing: string | null = null;
  const step = (name: string) => {
    calls.push(name);
    if (failing === name) {
      failing = null;
      throw Object.assign(new Error('Rate exceeded'), { name: 'TooManyRequestsException' });
    }
  };
  const pool: UserPool = {
    async ensureLogin(p) {
      step('ensureLogin');
      const created = !logins.has(p.email);
      logins.set(p.email, { ...p, enabled: true });
      return { username: p.email, created };
    },
    async disableLogin(email) {
      step('disableLogin');
      const l = logins.get(email);
      if (l) l.enabled = false;
      return Boolean(l);
    },
    async changeLoginEmail(from, to) {
      step('changeLoginEmail');
      const l = logins.get(from);
      if (!l) return false;
      logins.delete(from);
      logins.set(to, { ...l, email: to });
      return true;
    },
    async deleteLogin(username) {
      step('deleteLogin');
      logins.delete(username);
    },
  };
  const disconnected: string[] = [];
  return {
    calls,
    logins,
    disconnected,
    failNext: (name: string) => {
      failing = name;
    },
    ports: {
      userPool: pool,
      disconnect: async (_t: string, id: string) => {
        disconnected.push(id);
        return 1;
      },
    },
  };
}

const person = { externalId: 'emp-ola', extension: '501', fullName: 'Ola', email: 'ola@demo.example' };

describe('employee logins', () => {
  beforeEach(() => stored.clear());

  it('S6, E1: an invitation the user pool refuses leaves no employee, and says nothing was saved', async () => {
    const pool = recordingPool();
    pool.failNext('ensureLogin');
    await expect(registerEmployee('demo', 'RU', person, pool.ports)).rejects.toMatchObject({ name: 'UpstreamFailure', code: 'login_unavailable', message: expect.stringContaining('nothing was saved') });
    expect(stored.size).toBe(0);
    // The same request again succeeds and invites once.
    expect(await registerEmployee('demo', 'RU', person, pool.ports)).toMatchObject({ id: 'emp-ola', active: true });
    expect(pool.logins.get('ola@demo.example')).toMatchObject({ employeeId: 'emp-ola', role: 'agent', enabled: true });
  });

  it('E1: a repeated registration with the same externalId answers the same employee; a different one is still a conflict', async () => {
    const pool = recordingPool();
    const first = await registerEmployee('demo', 'RU', person, pool.ports);
    expect(await registerEmployee('demo', 'RU', person, pool.ports)).toEqual(first);
    await expect(registerEmployee('demo', 'RU', { ...person, fullName: 'Someone else' }, pool.ports)).rejects.toBeInstanceOf(Conflict);
  });

  it('S6: an employee without an email, or registered inactive, gets no login', async () => {
    const pool = recordingPool();
    await registerEmployee('demo', 'RU', { externalId: 'emp-no-mail', extension: '502', fullName: 'No Mail' }, pool.ports);
    await registerEmployee('demo', 'RU', { externalId: 'emp-off', extension: '503', fullName: 'Off', email: 'off@demo.example', active: false }, pool.ports);
    expect(pool.logins.size).toBe(0);
  });

  it('S6: a deactivation the user pool cannot complete stays in force (the directory revokes access) and a repeat converges', async () => {
    const pool = recordingPool();
    await registerEmployee('demo', 'RU', person, pool.ports);
    pool.failNext('disableLogin');
    await expect(deactivateEmployee('demo', 'RU', 'emp-ola', pool.ports)).rejects.toMatchObject({ code: 'login_unavailable', message: expect.stringContaining('repeat the request') });
    expect(stored.get('emp-ola')?.active).toBe(false);
    expect(pool.logins.get('ola@demo.example')?.enabled).toBe(true);
    await deactivateEmployee('demo', 'RU', 'emp-ola', pool.ports);
    expect(pool.logins.get('ola@demo.example')?.enabled).toBe(false);
    expect(pool.disconnected).toEqual(['emp-ola']);
    // Reactivated: the login is enabled again.
    await changeEmployee('demo', 'RU', 'emp-ola', { active: true }, pool.ports);
    expect(pool.logins.get('ola@demo.example')?.enabled).toBe(true);
  });

  it('S6: access level and email move the login; phones, SIP accounts and names leave the pool alone', async () => {
    const pool = recordingPool();
    await registerEmployee('demo', 'RU', person, pool.ports);
    pool.calls.length = 0;
    await changeEmployee('demo', 'RU', 'emp-ola', { phones: ['+79161234500'], sipAccounts: ['ola'], fullName: 'Ola N' }, pool.ports);
    expect(pool.calls).toEqual([]);
    await changeEmployee('demo', 'RU', 'emp-ola', { accessLevel: 'analyst' }, pool.ports);
    expect(pool.logins.get('ola@demo.example')?.role).toBe('analyst');
    await changeEmployee('demo', 'RU', 'emp-ola', { email: 'ola.n@demo.example' }, pool.ports);
    expect([...pool.logins.keys()]).toEqual(['ola.n@demo.example']);
    // Removing the email ends the login.
    await changeEmployee('demo', 'RU', 'emp-ola', { email: null }, pool.ports);
    expect(pool.logins.get('ola.n@demo.example')?.enabled).toBe(false);
  });
});
