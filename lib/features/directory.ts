// Employees and customers (E1–E3): the admin/agent API over the directory, the caller lookup (and
// an employee's current calls as pop-ups),
// linking a call's caller to a customer, and attributing ended calls to their customer.
import { HttpMethod, PayloadFormatVersion } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { Construct } from 'constructs';
import { AppFunction, pascalCase } from '../app-function.ts';
import type { FeatureProps } from '../core.ts';
import { ruleToFunction } from './rule-target.ts';
import { consumers, patternFor } from '#shared/events/subscriptions.ts';
import { customerRoutes, employeeRoutes, linkCallCustomerRoute, lookupRoute, myCallsRoute } from '#shared/http/routes/directory.ts';
import type { RouteSpec } from '#shared/http/api.ts';

/** function name → table access and the routes it serves (route specs in shared/http/routes/directory.ts). */
const functions: { name: string; access: 'RO' | 'RW'; routes: RouteSpec[] }[] = [
  { name: 'manage-employees', access: 'RW', routes: employeeRoutes },
  { name: 'manage-customers', access: 'RW', routes: customerRoutes },
  { name: 'link-call-customer', access: 'RW', routes: [linkCallCustomerRoute] },
  { name: 'lookup-caller', access: 'RO', routes: [lookupRoute, myCallsRoute] },
];

/** The user pool operations of shared/adapters/user-pool.ts. */
const USER_POOL_ADMIN_ACTIONS = [
  'cognito-idp:AdminCreateUser', 'cognito-idp:AdminGetUser', 'cognito-idp:AdminDeleteUser', 'cognito-idp:AdminUpdateUserAttributes',
  'cognito-idp:AdminListGroupsForUser', 'cognito-idp:AdminAddUserToGroup', 'cognito-idp:AdminRemoveUserFromGroup',
  'cognito-idp:AdminDisableUser', 'cognito-idp:AdminEnableUser', 'cognito-idp:AdminUserGlobalSignOut',
];

export class Directory extends Construct {
  readonly functions: Record<string, AppFunction> = {};

  constructor(scope: Construct, id: string, { core, config }: FeatureProps) {
    super(scope, id);
    for (const { name, access, routes } of functions) {
      const fn = new AppFunction(this, name).bindTable(core.table, access).bindIdentity(core.identity).bindTenant(config);
      const integration = new HttpLambdaIntegration(`${pascalCase(name)}Integration`, fn, { payloadFormatVersion: PayloadFormatVersion.VERSION_2_0 });
      for (const route of routes) core.httpApi.addRoutes({ path: route.path, methods: [HttpMethod[route.method]], integration });
      if (name === 'manage-employees') {
        // An employee's login follows the directory (shared/services/employee-logins.ts): invite, move
        // group, disable and sign out; a deactivated employee's WebSockets are closed.
        core.identity.userPool.grant(fn, ...USER_POOL_ADMIN_ACTIONS);
        fn.bindWebSocket(core.webSocketStage);
      }
      this.functions[name] = fn;
    }
    const attribute = new AppFunction(this, 'attribute-call-customer').bindTable(core.table, 'RW').bindTenant(config);
    this.functions['attribute-call-customer'] = attribute;
    ruleToFunction(this, 'CallEndedCustomer', {
      bus: core.bus,
      eventPattern: patternFor(consumers['attribute-call-customer']),
      target: attribute,
      description: 'Call Ended → attribute-call-customer',
    });
  }
}
