// The agent console on AWS (ADR 0005): the static build of web/ in a private bucket, served only through
// CloudFront (origin access control), with the tenant's `config.json` generated beside it at deploy time.
import { spawnSync } from 'node:child_process';
import { cpSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { AssetHashType, CfnOutput, DockerImage, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Distribution, HttpVersion, ResponseHeadersPolicy, ViewerProtocolPolicy } from 'aws-cdk-lib/aws-cloudfront';
import { S3BucketOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { BucketDeployment, CacheControl, Source, type ISource } from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';
import type { ConsoleConfig } from '#shared/console-config.ts';
// The same staleness rule as `npm start` (plain node:fs code; the CDK app loads nothing else of local/).
import { consoleBuildIsStale, WEB_DIST, WEB_ROOT } from '../../local/console-build.ts';
import type { FeatureProps } from '../core.ts';

/**
 * Puts the console build into `outputDir` (the asset's staging directory): a copy of web/dist when it is
 * fresh, else a `vite build` straight into `outputDir`, so a clean clone synthesizes without a prior
 * `npm run web:build` and a concurrent `npm start` never sees web/dist half rebuilt.
 */
export function bundleConsole(outputDir: string, { forceBuild = false } = {}): void {
  if (forceBuild || consoleBuildIsStale()) {
    const vite = join(dirname(createRequire(import.meta.url).resolve('vite/package.json')), 'bin/vite.js');
    const run = spawnSync(process.execPath, [vite, 'build', '--config', join(WEB_ROOT, 'vite.config.ts'), '--outDir', outputDir, '--emptyOutDir', '--logLevel', 'warn'], {
      cwd: WEB_ROOT,
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    if (run.status !== 0) throw new Error(`the console build failed (vite build exited with ${run.status ?? run.error?.message}; \`npm run web:build\` shows the same errors)`);
  } else {
    cpSync(WEB_DIST, outputDir, { recursive: true });
  }
  rmSync(join(outputDir, '.vite'), { recursive: true, force: true }); // the build manifest is for the bundle-size check, not for visitors
}

/** The built console as a deployment source; built by the CDK bundling step, never by Docker. */
function consoleBuild(): ISource {
  return Source.asset(WEB_ROOT, {
    assetHashType: AssetHashType.OUTPUT, // the deployed files change exactly when the build output does
    bundling: {
      image: DockerImage.fromRegistry('scratch'), // required by the API; local bundling always succeeds or throws
      local: {
        tryBundle(outputDir) {
          bundleConsole(outputDir);
          return true;
        },
      },
    },
  });
}

export class ConsoleHosting extends Construct {
  readonly bucket: Bucket;
  readonly distribution: Distribution;
  readonly deployment: BucketDeployment;
  /** `https://{id}.cloudfront.net` */
  readonly url: string;
  /** What the console reads at start (shared/console-config.ts), with deploy-time values still tokens. */
  readonly config: ConsoleConfig;

  constructor(scope: Construct, id: string, { core, config }: FeatureProps) {
    super(scope, id);
    this.bucket = new Bucket(this, 'Bucket', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED, // required by OAC
      // Only a build lives here: the deployment empties it on stack deletion (retainOnDelete: false).
      removalPolicy: RemovalPolicy.DESTROY,
    });

    this.distribution = new Distribution(this, 'Distribution', {
      comment: `ringdesk console (${config.tenant})`,
      defaultRootObject: 'index.html',
      httpVersion: HttpVersion.HTTP2_AND_3,
      defaultBehavior: {
        origin: S3BucketOrigin.withOriginAccessControl(this.bucket),
        viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        responseHeadersPolicy: ResponseHeadersPolicy.SECURITY_HEADERS,
      },
      // A single-page app: a deep link (/tickets/123) is not an object; S3 answers 403 through OAC, 404 without.
      errorResponses: [403, 404].map((httpStatus) => ({ httpStatus, responseHttpStatus: 200, responsePagePath: '/index.html', ttl: Duration.seconds(0) })),
    });
    this.url = `https://${this.distribution.distributionDomainName}`;

    const stack = Stack.of(this);
    this.config = {
      apiUrl: core.httpApi.apiEndpoint,
      wsUrl: core.webSocketStage.url,
      tenant: config.tenant,
      locale: config.locale,
      auth: { mode: 'cognito', region: stack.region, userPoolId: core.identity.userPool.userPoolId, clientId: core.identity.consoleClient.userPoolClientId },
    };
    this.deployment = new BucketDeployment(this, 'Deployment', {
      sources: [consoleBuild(), Source.jsonData('config.json', this.config)],
      destinationBucket: this.bucket,
      // Browsers and CloudFront revalidate: a deploy (new config.json, new index.html) is seen at once;
      // the hashed assets answer 304.
      cacheControl: [CacheControl.noCache()],
      distribution: this.distribution,
      distributionPaths: ['/*'],
      prune: true,
      retainOnDelete: false,
      memoryLimit: 256,
    });

    new CfnOutput(stack, 'ConsoleUrl', { value: this.url, description: 'The agent console (CloudFront)' });
  }
}
