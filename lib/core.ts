// Shared resources every feature plugs into: the single table, the tenant's bus, both APIs and the user pool.
import { RemovalPolicy } from 'aws-cdk-lib';
import { type CfnStage, CorsHttpMethod, HttpApi, WebSocketApi, WebSocketStage } from 'aws-cdk-lib/aws-apigatewayv2';
import { AttributeType, BillingMode, ProjectionType, Table } from 'aws-cdk-lib/aws-dynamodb';
import { EventBus } from 'aws-cdk-lib/aws-events';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import type { TenantConfig } from '#shared/config.ts';
import { tenantSecretName } from '#shared/config.ts';
import { Identity } from './features/identity.ts';

export interface CoreProps {
  tenant: string;
  /** Stage limits of both APIs (tenant settings `operations.throttle`). */
  throttle: TenantConfig['operations']['throttle'];
}

/** What every feature construct receives. */
export interface FeatureProps {
  core: Core;
  config: TenantConfig;
}

export class Core extends Construct {
  readonly table: Table;
  readonly bus: EventBus;
  readonly httpApi: HttpApi;
  readonly webSocketApi: WebSocketApi;
  readonly webSocketStage: WebSocketStage;
  /** The tenant's user pool: every function that checks a bearer token binds it (bindIdentity). */
  readonly identity: Identity;
  /** The tenant's secrets (signing keys, provider credentials): functions that need them `bindSecrets` it. */
  readonly secret: TenantSecret;

  constructor(scope: Construct, id: string, { tenant, throttle }: CoreProps) {
    super(scope, id);

    // AWS::DynamoDB::Table (not TableV2/GlobalTable): one region, and its schema maps 1:1 onto
    // CreateTable, which is how the local runtime builds the table in DynamoDB Local.
    this.table = new Table(this, 'Table', {
      partitionKey: { name: 'PK', type: AttributeType.STRING },
      sortKey: { name: 'SK', type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      timeToLiveAttribute: 'expiresAt',
      removalPolicy: RemovalPolicy.RETAIN, // calls and tickets outlive a stack deletion
    });
    for (const index of ['GSI1', 'GSI2']) {
      this.table.addGlobalSecondaryIndex({
        indexName: index,
        partitionKey: { name: `${index}PK`, type: AttributeType.STRING },
        sortKey: { name: `${index}SK`, type: AttributeType.STRING },
        projectionType: ProjectionType.ALL,
      });
    }

    this.bus = new EventBus(this, 'Bus', { eventBusName: `ringdesk-${tenant}` });

    this.httpApi = new HttpApi(this, 'HttpApi', {
      apiName: `ringdesk-${tenant}`,
      corsPreflight: {
        allowOrigins: ['*'], // bearer tokens, no cookies: any origin may call
        // Every method the API's routes use (agents PATCH tickets, admins PATCH employees and customers).
        allowMethods: [CorsHttpMethod.GET, CorsHttpMethod.POST, CorsHttpMethod.PATCH, CorsHttpMethod.PUT, CorsHttpMethod.DELETE],
        allowHeaders: ['authorization', 'content-type'],
      },
    });

    // The HttpApi L2 takes no stage options for its `$default` stage: its route defaults are set on the CfnStage.
    const httpStage = this.httpApi.defaultStage;
    if (!httpStage) throw new Error('the HTTP API has no $default stage to throttle');
    (httpStage.node.defaultChild as CfnStage).defaultRouteSettings = {
      throttlingRateLimit: throttle.http.rateLimit,
      throttlingBurstLimit: throttle.http.burstLimit,
    };

    this.webSocketApi = new WebSocketApi(this, 'WebSocketApi', {
      apiName: `ringdesk-${tenant}-live`,
      routeSelectionExpression: '$request.body.action',
    });
    this.webSocketStage = new WebSocketStage(this, 'LiveStage', {
      webSocketApi: this.webSocketApi,
      stageName: 'live',
      autoDeploy: true,
      throttle: { rateLimit: throttle.webSocket.rateLimit, burstLimit: throttle.webSocket.burstLimit },
    });

    this.identity = new Identity(this, 'Identity', { tenant });

    // One secret per tenant, named after it so `npm run secrets -- set --tenant NAME` finds it.
    // Secrets Manager generates the signing key at creation; provider credentials are set by that
    // CLI. CloudFormation never regenerates it on an update, and no value is in the template.
    this.secret = new TenantSecret(this, 'TenantSecret', tenant);
  }
}

/** The tenant's secret, with its name as plain text (Secret.secretName is a token parsed from the ARN). */
export class TenantSecret extends Secret {
  readonly name: string;

  constructor(scope: Construct, id: string, tenant: string) {
    const name = tenantSecretName(tenant);
    super(scope, id, {
      secretName: name,
      description: `ringdesk ${tenant}: signing keys and provider credentials (JSON, shared/config.ts tenantSecretsSchema)`,
      generateSecretString: { secretStringTemplate: JSON.stringify({ providers: {} }), generateStringKey: 'authSecret', passwordLength: 48, excludePunctuation: true },
    });
    this.name = name;
  }
}
