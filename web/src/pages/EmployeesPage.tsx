// Administrators: the employee directory (E1).
import type { Employee, Page } from '../api/types.ts';
import { useConsole } from '../ui/console-context.ts';
import { useI18n } from '../ui/i18n-context.ts';
import { useAsync } from '../ui/use-async.ts';
import { LoadError } from './Notice.tsx';

export function EmployeesPage() {
  const { t } = useI18n();
  const { api } = useConsole();
  const employees = useAsync(() => api.get<Page<Employee>>('/employees?limit=200'), [api]);
  return (
    <section aria-labelledby="employees-title">
      <h1 id="employees-title">{t('employees.title')}</h1>
      {employees.error && <LoadError error={employees.error} retry={employees.reload} />}
      {employees.data && (
        <table class="list">
          <thead>
            <tr>
              <th scope="col">{t('employees.name')}</th>
              <th scope="col">{t('employees.extension')}</th>
              <th scope="col">{t('employees.email')}</th>
              <th scope="col">{t('employees.role')}</th>
              <th scope="col">{t('employees.active')}</th>
            </tr>
          </thead>
          <tbody>
            {employees.data.items.map((e) => (
              <tr key={e.id}>
                <td data-label={t('employees.name')}>{e.fullName}</td>
                <td data-label={t('employees.extension')}>{e.extension}</td>
                <td data-label={t('employees.email')}>{e.email ?? '—'}</td>
                <td data-label={t('employees.role')}>{t(`role.${e.accessLevel}`)}</td>
                <td data-label={t('employees.active')}>{t(e.active ? 'employees.yes' : 'employees.no')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
