// Every route of the HTTP API. The OpenAPI document (shared/http/openapi.ts), the authorization
// suite (test/system/authorization.test.ts) and the template check (test/unit/local-assembly.test.ts)
// all iterate over this list, so a route is documented and tested as soon as its specs are added here.
import type { RouteSpec } from '../api.ts';
import { coreRoutes } from './core.ts';
import { directoryRoutes } from './directory.ts';
import { helpdeskRoutes } from './helpdesk.ts';
import { reportRoutes } from './reports.ts';
import { settingsRoutes } from './settings.ts';
import { taskRoutes } from './tasks.ts';
import { triggerRoutes } from './triggers.ts';

export const allRoutes: readonly RouteSpec[] = [...coreRoutes, ...helpdeskRoutes, ...directoryRoutes, ...triggerRoutes, ...taskRoutes, ...reportRoutes, ...settingsRoutes];
