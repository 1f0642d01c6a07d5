// The console's pages and who may open them. The navigation shows only the allowed ones; a direct
// URL of another is answered "not allowed" (the API checks the roles again on every request).
import type { AccessLevel } from '#shared/domain/directory.ts';
import type { MessageKey } from './i18n.ts';

export type PageId = 'tickets' | 'ticket' | 'tasks' | 'calls' | 'reports' | 'customers' | 'rules' | 'employees';

export interface PageSpec {
  id: PageId;
  /** `:id` is a path parameter. */
  path: string;
  roles: readonly AccessLevel[];
  /** In the navigation, under this name. */
  nav?: MessageKey;
}

const everyone = ['agent', 'analyst', 'admin'] as const;

export const pages: readonly PageSpec[] = [
  { id: 'tickets', path: '/tickets', roles: everyone, nav: 'nav.tickets' },
  { id: 'ticket', path: '/tickets/:id', roles: everyone },
  { id: 'tasks', path: '/tasks', roles: ['agent'], nav: 'nav.tasks' },
  // C2: the supervisor pages (the API allows the call log to agents too; the console keeps it for supervisors).
  { id: 'calls', path: '/calls', roles: ['analyst'], nav: 'nav.calls' },
  { id: 'reports', path: '/reports', roles: ['analyst'], nav: 'nav.reports' },
  { id: 'customers', path: '/customers', roles: ['analyst'], nav: 'nav.customers' },
  { id: 'employees', path: '/employees', roles: ['admin'], nav: 'nav.employees' },
  // The rules API is for admins only (rules carry webhook URLs and message templates).
  { id: 'rules', path: '/rules', roles: ['admin'], nav: 'nav.rules' },
];

export interface PageMatch {
  page: PageSpec;
  params: Record<string, string>;
}

export function matchPage(path: string): PageMatch | null {
  const parts = path.replace(/\/+$/, '').split('/');
  for (const page of pages) {
    const pattern = page.path.split('/');
    if (pattern.length !== parts.length) continue;
    const params: Record<string, string> = {};
    const matches = pattern.every((p, i) => {
      const part = parts[i] ?? '';
      if (!p.startsWith(':')) return p === part;
      params[p.slice(1)] = part;
      return /^[A-Za-z0-9_-]+$/.test(part);
    });
    if (matches) return { page, params };
  }
  return null;
}

export function allowed(page: PageSpec, role: AccessLevel): boolean {
  return role === 'admin' || page.roles.includes(role);
}
