// Resolves CloudFormation intrinsics in function environments to their local values, the way SAM does.
import type { AssemblyModel, LocalEnvironment } from './cloud-assembly.ts';

export interface LocalEndpoints {
  /** Local API id → base URL that stands for `https://{id}.execute-api.{region}.amazonaws.com`. */
  apiBaseUrls: Record<string, string>;
  /** The local Cognito that stands for `https://cognito-idp.{region}.amazonaws.com` (issuer URLs). */
  cognitoUrl?: string;
}

type Json = unknown;

export class IntrinsicResolver {
  private readonly apiIds: Record<string, string>;

  constructor(
    private readonly model: AssemblyModel,
    private readonly env: LocalEnvironment,
    /** Logical id → local API id (stable, AWS-like). */
    apiIds: Record<string, string>,
    /**
     * `AWS::Lambda::Url` logical id → its local URL (`http://127.0.0.1:{port}/`). Read at resolve
     * time: the runtime fills it once the URLs listen, before it creates any function.
     */
    private readonly functionUrls: Record<string, string> = {},
    /** Cognito user pool and app client logical id → its id in the local Cognito. */
    private readonly cognitoIds: Record<string, string> = {},
  ) {
    this.apiIds = apiIds;
  }

  private ref(id: string): string {
    const pseudo: Record<string, string> = {
      'AWS::Region': this.env.region,
      'AWS::AccountId': this.env.accountId,
      'AWS::StackName': this.env.stackName,
      'AWS::URLSuffix': 'amazonaws.com',
      'AWS::Partition': 'aws',
      'AWS::NoValue': '',
    };
    const value = pseudo[id];
    if (value !== undefined) return value;
    const m = this.model;
    const table = m.tables.find((t) => t.logicalId === id);
    if (table) return table.tableName;
    const bus = m.buses.find((b) => b.logicalId === id);
    if (bus) return bus.name;
    const fn = m.functions.find((f) => f.logicalId === id);
    if (fn) return fn.functionName;
    if (this.apiIds[id]) return this.apiIds[id];
    if (this.cognitoIds[id]) return this.cognitoIds[id];
    const res = m.template.Resources[id];
    // A resource server's Ref is its identifier (the prefix of its scopes).
    if (res?.Type === 'AWS::Cognito::UserPoolResourceServer') return String(res.Properties?.['Identifier']);
    if (res?.Type === 'AWS::ApiGatewayV2::Stage') return String(res.Properties?.['StageName']);
    const queue = m.queues.find((q) => q.logicalId === id);
    if (queue) return `https://sqs.${this.env.region}.amazonaws.com/${this.env.accountId}/${queue.name}`;
    return id;
  }

  private getAtt(id: string, attr: string): string {
    const { region, accountId } = this.env;
    const name = this.ref(id);
    const type = this.model.template.Resources[id]?.Type;
    if (attr === 'Arn') {
      switch (type) {
        case 'AWS::DynamoDB::Table':
          return `arn:aws:dynamodb:${region}:${accountId}:table/${name}`;
        case 'AWS::Events::EventBus':
          return `arn:aws:events:${region}:${accountId}:event-bus/${name}`;
        case 'AWS::Lambda::Function':
          return `arn:aws:lambda:${region}:${accountId}:function:${name}`;
        case 'AWS::SQS::Queue':
          return `arn:aws:sqs:${region}:${accountId}:${this.model.queues.find((q) => q.logicalId === id)?.name ?? id}`;
      }
    }
    if (type === 'AWS::Cognito::UserPool') {
      if (attr === 'Arn') return `arn:aws:cognito-idp:${region}:${accountId}:userpool/${name}`;
      if (attr === 'ProviderURL' || attr === 'ProviderName') return `cognito-idp.${region}.amazonaws.com/${name}`;
      if (attr === 'UserPoolId') return name;
    }
    if (type === 'AWS::Lambda::Url') {
      const url = this.model.functionUrls.find((u) => u.logicalId === id);
      if (attr === 'FunctionUrl') {
        const local = this.functionUrls[id];
        if (!local) throw new Error(`function URL ${id} is not served locally (yet)`);
        return local;
      }
      if (attr === 'FunctionArn' && url) return this.getAtt(url.functionId, 'Arn');
    }
    if (attr === 'Name' || attr === 'QueueName') return name;
    if (attr === 'ApiEndpoint') return `https://${name}.execute-api.${region}.amazonaws.com`;
    return `${name}.${attr}`;
  }

  resolve(v: Json): Json {
    if (Array.isArray(v)) return v.map((x) => this.resolve(x));
    if (!v || typeof v !== 'object') return v;
    const o = v as Record<string, Json>;
    if ('Ref' in o) return this.ref(String(o['Ref']));
    if ('Fn::GetAtt' in o) {
      const g = o['Fn::GetAtt'] as string[] | string;
      const [id, attr] = Array.isArray(g) ? g : (g.split('.') as [string, string]);
      return this.getAtt(String(id), String(attr));
    }
    if ('Fn::Join' in o) {
      const [sep, parts] = o['Fn::Join'] as [string, Json[]];
      return (this.resolve(parts) as Json[]).map(String).join(sep);
    }
    if ('Fn::Sub' in o) {
      const arg = o['Fn::Sub'];
      const [text, vars] = Array.isArray(arg) ? (arg as [string, Record<string, Json>]) : [String(arg), {}];
      return text.replace(/\$\{([^}]+)\}/g, (_, name: string) => {
        if (name.startsWith('!')) return `\${${name.slice(1)}}`; // `${!Literal}` is the escape for a literal `${Literal}`
        if (name in vars) return String(this.resolve(vars[name]));
        const [id = '', attr] = name.split('.');
        return attr ? this.getAtt(id, attr) : this.ref(id);
      });
    }
    if ('Fn::Select' in o) {
      const [i, list] = o['Fn::Select'] as [number, Json];
      return (this.resolve(list) as Json[])[Number(i)];
    }
    if ('Fn::Split' in o) {
      const [sep, s] = o['Fn::Split'] as [string, Json];
      return String(this.resolve(s)).split(sep);
    }
    return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, this.resolve(x)]));
  }

  /** Environment of a function, with AWS endpoint URLs of local APIs rewritten to the local gateways. */
  environment(vars: Record<string, Json>, endpoints: LocalEndpoints): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(vars)) {
      let value = String(this.resolve(v));
      for (const [apiId, base] of Object.entries(endpoints.apiBaseUrls)) {
        value = value.replace(new RegExp(`^https://${apiId}\\.execute-api\\.[a-z0-9-]+\\.amazonaws\\.com`), base);
      }
      if (endpoints.cognitoUrl) value = value.replace(/^https:\/\/cognito-idp\.[a-z0-9-]+\.amazonaws\.com/, endpoints.cognitoUrl);
      out[k] = value;
    }
    return out;
  }
}
