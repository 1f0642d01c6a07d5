// The tenant's user pool as the directory and the admin CLI change it: inviting a person (Cognito
// emails a temporary password; the first sign-in sets a new one) with their access-level group and
// employee id. The AWS SDK client is the unmodified one; its endpoint comes from the environment.
import {
  AdminAddUserToGroupCommand, AdminCreateUserCommand, type CognitoIdentityProviderClient,
} from '@aws-sdk/client-cognito-identity-provider';
import type { Role } from '../domain/principal.ts';

export interface Invitee {
  email: string;
  name: string;
  role: Role;
  employeeId: string;
}

/** AdminCreateUser with Cognito's invitation email, then the one group of the person's access level. Returns the username (the `sub`). */
export async function inviteUser(client: CognitoIdentityProviderClient, userPoolId: string, p: Invitee): Promise<string> {
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
  const username = User?.Username;
  if (!username) throw new Error(`AdminCreateUser for ${p.email} returned no user`);
  await client.send(new AdminAddUserToGroupCommand({ UserPoolId: userPoolId, Username: username, GroupName: p.role }));
  return username;
}
