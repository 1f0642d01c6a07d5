// Every cdk-nag (AwsSolutions) finding the stack accepts, in one place, each with its one-line reason.
// cdk-nag v3 reads CDK's own acknowledgments (Validations.of(scope).acknowledge), so the stack needs no
// cdk-nag import; the checks run in test/cdk/nag.test.ts. A finding not listed here fails that test.
import { type CfnElement, type Stack, Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import type { Core } from './core.ts';
import type { ConsoleHosting } from './features/console-hosting.ts';
import { Tasks } from './features/tasks.ts';

export interface NagScopes {
  core: Core;
  consoleHosting: ConsoleHosting;
}

/** `Ringdesk-demo/Custom::CDKBucketDeployment…`: the handler BucketDeployment keeps at the stack's root. */
const bucketDeploymentHandler = (stack: Stack): IConstruct => {
  const found = stack.node.children.find((c) => c.node.id.startsWith('Custom::CDKBucketDeployment'));
  if (!found) throw new Error('no BucketDeployment handler in the stack (create the console before acknowledging its findings)');
  return found;
};

export function acknowledgeNagFindings(stack: Stack, { core, consoleHosting }: NagScopes): void {
  const ack = (scope: IConstruct, id: string, reason: string) => Validations.of(scope).acknowledge({ id, reason });
  const logicalId = (c: IConstruct) => stack.resolve(stack.getLogicalId(c.node.defaultChild as CfnElement)) as string;

  // Classes of resources across the stack.
  ack(stack, 'AwsSolutions-APIG1', 'No API access logs: webhook paths carry provider tokens and callers\' numbers (S4); functions log requests redacted.');
  ack(stack, 'AwsSolutions-APIG4', 'Authorization is in the handlers: bearer JWTs against the tenant pool (shared/http/auth.ts), webhooks by provider signature or token.');
  ack(stack, 'AwsSolutions-SQS3', 'These queues are the dead-letter queues of EventBridge targets; each has an alarm, a DLQ of a DLQ would only move the problem.');
  ack(stack, 'AwsSolutions-SQS4', 'Only AWS services and in-account SDK calls over HTTPS use the dead-letter queues; a policy per queue would add ~45 resources near the 500 limit.');
  ack(core.secret, 'AwsSolutions-SMG4', 'Provider credentials are issued and rotated at each PBX, then set with npm run secrets; functions pick a new value up within 5 minutes (shared/tenant-secrets.ts), so no rotation Lambda is needed.');
  ack(stack, 'AwsSolutions-L1', 'nodejs22.x is pinned on purpose (lib/app-function.ts): a runtime upgrade is a reviewed change, not a side effect of a CDK upgrade.');
  ack(stack, 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]', 'The AWS-managed basic execution role only lets a function write its own logs.');
  ack(stack, `AwsSolutions-IAM5[Resource::<${logicalId(core.table)}.Arn>/index/*]`, 'Queries on the single table\'s own GSIs (grantReadData/grantReadWriteData); index names are the table\'s, not others\'.');
  ack(
    stack,
    `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:execute-api:<AWS::Region>:<AWS::AccountId>:<${logicalId(core.webSocketApi)}>/${core.webSocketStage.stageName}/*/@connections/*]`,
    'Posting to connections of the tenant\'s own WebSocket stage: connection ids exist only at run time.',
  );
  const tasks = Tasks.of(stack);
  ack(
    stack,
    `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:scheduler:<AWS::Region>:<AWS::AccountId>:schedule/${tasks.scheduling.group.scheduleGroupName}/*]`,
    'One-time schedules of the tenant\'s own schedule group: schedule names are per task, made at run time.',
  );
  ack(tasks, `AwsSolutions-IAM5[Resource::<${logicalId(tasks.fireTask)}.Arn>:*]`, 'Scheduler may invoke fire-task at any version or alias of that one function (grantInvoke).');

  // The login pool.
  ack(core.identity, 'AwsSolutions-COG1', 'Passwords are 12+ characters with upper, lower and digits; NIST SP 800-63B favours length over symbol rules.');
  ack(core.identity, 'AwsSolutions-COG2', 'MFA is not part of the login flows yet (invitation, temporary password, own password); TOTP can be turned on per pool.');
  ack(core.identity, 'AwsSolutions-COG8', 'The Plus feature plan (threat protection) is a per-user cost left to the operator; the pool uses Essentials.');

  // The console: static build files behind CloudFront.
  ack(consoleHosting.bucket, 'AwsSolutions-S1', 'Only CloudFront (OAC) reads and only the deployment writes the bucket; object access logs would record nothing else.');
  ack(consoleHosting.distribution, 'AwsSolutions-CFR1', 'Employees log in from anywhere; no geographic restriction applies to the console.');
  ack(consoleHosting.distribution, 'AwsSolutions-CFR2', 'Public static build files only; every API call they make is authenticated. A web ACL per tenant is optional cost.');
  ack(consoleHosting.distribution, 'AwsSolutions-CFR3', 'Fetches of static files need no access log; the distribution\'s CloudWatch metrics remain.');
  ack(consoleHosting.distribution, 'AwsSolutions-CFR4', 'The default *.cloudfront.net certificate cannot set a minimum TLS version; a custom domain with its own certificate can.');
  const deployer = bucketDeploymentHandler(stack);
  const deployerReason = 'CDK BucketDeployment handler: reads the asset from the bootstrap bucket, writes and prunes the console bucket, invalidates the distribution.';
  for (const finding of [
    'Action::s3:GetObject*',
    'Action::s3:GetBucket*',
    'Action::s3:List*',
    'Action::s3:DeleteObject*',
    'Action::s3:Abort*',
    'Resource::arn:<AWS::Partition>:s3:::cdk-hnb659fds-assets-<AWS::AccountId>-<AWS::Region>/*',
    `Resource::<${logicalId(consoleHosting.bucket)}.Arn>/*`,
    'Resource::*', // cloudfront:CreateInvalidation has no resource-level permissions
  ]) {
    ack(deployer, `AwsSolutions-IAM5[${finding}]`, deployerReason);
  }
}
