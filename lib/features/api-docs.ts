// GET /openapi.json: the API document, served by a function that needs no table, bus or tenant settings.
import { HttpMethod, PayloadFormatVersion } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { Construct } from 'constructs';
import { openApiRoute } from '#shared/http/routes/core.ts';
import { AppFunction } from '../app-function.ts';
import type { FeatureProps } from '../core.ts';

export class ApiDocs extends Construct {
  readonly getOpenApi: AppFunction;

  constructor(scope: Construct, id: string, { core }: FeatureProps) {
    super(scope, id);
    this.getOpenApi = new AppFunction(this, 'get-openapi');
    core.httpApi.addRoutes({
      path: openApiRoute.path,
      methods: [HttpMethod[openApiRoute.method]],
      integration: new HttpLambdaIntegration('GetOpenApiIntegration', this.getOpenApi, { payloadFormatVersion: PayloadFormatVersion.VERSION_2_0 }),
    });
  }
}
