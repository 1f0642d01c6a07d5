// Who may change what, over the single route table: a route admitting analysts only reads.
import { describe, expect, it } from 'vitest';
import { mayWrite } from '#shared/domain/principal.ts';
import { allRoutes } from '#shared/http/routes/index.ts';

describe('route roles', () => {
  it('S3: analysts only read — every route that admits the analyst role is a GET', () => {
    const writesForAnalysts = allRoutes.filter((r) => r.method !== 'GET' && (r.roles as readonly string[]).includes('analyst')).map((r) => `${r.method} ${r.path}`);
    expect(writesForAnalysts).toEqual([]);
  });

  it('S3: agents still create, edit, merge customers and link a call to one; admins may everything', () => {
    const ids = ['createCustomer', 'updateCustomer', 'mergeCustomers', 'linkCallCustomer'];
    for (const id of ids) {
      const route = allRoutes.find((r) => r.id === id);
      expect(route, id).toBeDefined();
      expect(route!.roles).toEqual(['agent']);
    }
    expect([mayWrite('agent'), mayWrite('admin'), mayWrite('analyst')]).toEqual([true, true, false]);
  });
});
