// The tenant's user pool as the employee directory and the admin CLI change it: a person's login
// (email, access-level group, `custom:employeeId`), their invitation, deactivation and sign-out.
// The AWS SDK client is the unmodified one; its endpoint comes from the environment (or the CLI).
import {
  AdminAddUserToGroupCommand, AdminCreateUserCommand, AdminDeleteUserCommand, AdminDisableUserCommand, AdminEnableUserCommand, AdminGetUserCommand,
  AdminListGroupsForUserCommand, AdminRemoveUserFromGroupCommand, AdminUpdateUserAttributesCommand, AdminUserGlobalSignOutCommand,
  type CognitoIdentityProviderClient, UserNotFoundException, UsernameExistsException,
} from '@aws-sdk/client-cognito-identity-provider';
import { accessLevels } from '../domain/directory.ts';
import { Conflict } from '../domain/errors.ts';
import type { Role } from '../domain/principal.ts';

export interface Invitee {
  email: string;
  name: string;
  role: Role;
  employeeId: string;
}

/** What the directory needs of the user pool (shared/services/employee-logins.ts). */
export interface UserPool {
  /**
   * The person can sign in as this employee with this access level: a new login is created with
   * Cognito's invitation (temporary password), an existing one of the same employee is enabled and
   * moved to the group, and nothing is sent again. Conflict when the email signs in as another employee.
   */
  ensureLogin(p: Invitee): Promise<{ username: string; created: boolean }>;
  /** AdminDisableUser, then AdminUserGlobalSignOut (every refresh token revoked). False when there is no such login. */
  disableLogin(email: string): Promise<boolean>;
  /** The login signs in with the new address from now on. False when there is no login under the old one. */
  changeLoginEmail(from: string, to: string): Promise<boolean>;
  /** Compensation of a registration that failed after the login was made. */
  deleteLogin(username: string): Promise<void>;
}

const isNotFound = (err: unknown) => err instanceof UserNotFoundException || (err as { name?: string }).name === 'UserNotFoundException';

export function cognitoUserPool(client: CognitoIdentityProviderClient, userPoolId: string): UserPool {
  /** One access-level group: the role's; the others it held are left. */
  async function moveToGroup(username: string, role: Role): Promise<void> {
    const { Groups = [] } = await client.send(new AdminListGroupsForUserCommand({ UserPoolId: userPoolId, Username: username }));
    for (const g of Groups) {
      if (g.GroupName && g.GroupName !== role && (accessLevels as readonly string[]).includes(g.GroupName)) {
        await client.send(new AdminRemoveUserFromGroupCommand({ UserPoolId: userPoolId, Username: username, GroupName: g.GroupName }));
      }
    }
    if (!Groups.some((g) => g.GroupName === role)) await client.send(new AdminAddUserToGroupCommand({ UserPoolId: userPoolId, Username: username, GroupName: role }));
  }

  async function deleteLogin(username: string): Promise<void> {
    try {
      await client.send(new AdminDeleteUserCommand({ UserPoolId: userPoolId, Username: username }));
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }

  return {
    deleteLogin,
    async ensureLogin(p) {
      let username: string | undefined;
      let created = false;
      try {
        const { User } = await client.send(
          new AdminCreateUserCommand({
            UserPoolId: userPoolId,
            Username: p.email,
            UserAttributes: [
              { Name: 'email', Value: p.email },
              { Name: 'email_verified', Value: 'true' },
              { Name: 'name', Value: p.name },
              { Name: 'custom:employeeId', Value: p.employeeId },
            ],
            DesiredDeliveryMediums: ['EMAIL'],
          }),
        );
        username = User?.Username;
        if (!username) throw new Error(`AdminCreateUser for ${p.email} returned no user`);
        created = true;
      } catch (err) {
        if (!(err instanceof UsernameExistsException || (err as { name?: string }).name === 'UsernameExistsException')) throw err;
        // A retry, or a login made earlier: the same employee's is brought up to date, another's is a conflict.
        const existing = await client.send(new AdminGetUserCommand({ UserPoolId: userPoolId, Username: p.email }));
        const owner = existing.UserAttributes?.find((a) => a.Name === 'custom:employeeId')?.Value;
        if (owner !== p.employeeId) throw new Conflict(`email: ${p.email} already signs in as another employee`, 'login_exists');
        username = existing.Username ?? p.email;
        if (existing.Enabled === false) await client.send(new AdminEnableUserCommand({ UserPoolId: userPoolId, Username: username }));
      }
      try {
        await moveToGroup(username, p.role);
      } catch (err) {
        // A login this call made without its group is no login: removed, so a retry starts clean
        // (the invitation already sent carries a password that no longer works; the retry sends a new one).
        if (created) await deleteLogin(username).catch(() => undefined);
        throw err;
      }
      return { username, created };
    },

    async disableLogin(email) {
      try {
        await client.send(new AdminDisableUserCommand({ UserPoolId: userPoolId, Username: email }));
        // Disabling alone leaves the refresh tokens valid again after a later enable: revoke them too.
        await client.send(new AdminUserGlobalSignOutCommand({ UserPoolId: userPoolId, Username: email }));
        return true;
      } catch (err) {
        if (isNotFound(err)) return false;
        throw err;
      }
    },

    async changeLoginEmail(from, to) {
      try {
        await client.send(
          new AdminUpdateUserAttributesCommand({
            UserPoolId: userPoolId,
            Username: from,
            // The admin vouches for the address, as at the invitation: no verification code is sent.
            UserAttributes: [{ Name: 'email', Value: to }, { Name: 'email_verified', Value: 'true' }],
          }),
        );
        return true;
      } catch (err) {
        if (isNotFound(err)) return false;
        if ((err as { name?: string }).name === 'AliasExistsException') throw new Conflict(`email: ${to} already signs in as another person`, 'login_exists');
        throw err;
      }
    },
  };
}
