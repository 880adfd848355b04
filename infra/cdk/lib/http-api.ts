// The HTTP API: its throttled, logged $default stage and one route per entry of the route table,
// each with its own narrowed invoke permission; the staff's routes behind the JWT authorizer.

import { Aws, Fn, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { LOG_RETENTION, PrenotaFunction } from './functions';
import { Route, Specs, needsToken, pascal } from './specs';

/** The HTTP API's access log line (JSON). */
const ACCESS_LOG_FIELDS = {
  requestId: '$context.requestId',
  requestTime: '$context.requestTime',
  routeKey: '$context.routeKey',
  status: '$context.status',
  protocol: '$context.protocol',
  responseLength: '$context.responseLength',
  responseLatency: '$context.responseLatency',
  integrationLatency: '$context.integrationLatency',
  integrationError: '$context.integrationErrorMessage',
  authorizerError: '$context.authorizer.error',
};

/** The HTTP API and its throttled, logged $default stage; the routes come with addRoutes. */
export function createHttpApi(stack: Stack): apigw.HttpApi {
  const accessLogs = new logs.LogGroup(stack, 'HttpApiAccessLogs', {
    retention: LOG_RETENTION,
    removalPolicy: RemovalPolicy.DESTROY,
  });
  const api = new apigw.HttpApi(stack, 'HttpApi', {
    description: 'Prenota JSON API and link pages (/api, /c, /p), behind CloudFront.',
    createDefaultStage: false,
  });
  (api.node.defaultChild as apigw.CfnApi).overrideLogicalId('HttpApi');
  // As SAM's HttpApi: a warning while creating the API fails the deploy.
  (api.node.defaultChild as apigw.CfnApi).failOnWarnings = true;
  new apigw.HttpStage(stack, 'HttpApiDefaultStage', {
    httpApi: api,
    stageName: '$default',
    autoDeploy: true,
    throttle: { rateLimit: 100, burstLimit: 200 },
    accessLogSettings: {
      destination: new apigw.LogGroupLogDestination(accessLogs),
      // routeKey, never the path: /c/{code} and /p/{code} carry the booking's secret codes; no IP.
      format: AccessLogFormat.custom(JSON.stringify(ACCESS_LOG_FIELDS)),
    },
  });
  return api;
}

/**
 * One route per entry of the route table on AWS (readRoutes left out the one-machine server's),
 * each integrated with its function (payload 2.0); the staff's routes behind the authorizer.
 */
export function addRoutes(
  stack: Stack,
  api: apigw.HttpApi,
  specs: Specs,
  byName: Map<string, PrenotaFunction>,
  authorizer: HttpJwtAuthorizer,
): void {
  const integrations = new Map<string, HttpLambdaIntegration>();
  for (const route of specs.routes) {
    let integration = integrations.get(route.function);
    if (!integration) {
      const target = byName.get(route.function)!;
      integration = new HttpLambdaIntegration(`${pascal(route.function)}Integration`, target.fn, {
        payloadFormatVersion: apigw.PayloadFormatVersion.VERSION_2_0,
      });
      integrations.set(route.function, integration);
    }
    const staffOnly = needsToken(route, specs.functions.routes);
    const created = new apigw.HttpRoute(stack, `Route${pascal(route.method.toLowerCase())}${pascal(route.path)}`, {
      httpApi: api,
      routeKey: apigw.HttpRouteKey.with(route.path, httpMethod(route.method)),
      integration,
      ...(staffOnly ? { authorizer } : {}),
    });
    narrowInvokePermission(created, api, route);
    if (!staffOnly) {
      Validations.of(created).acknowledge({
        id: 'AwsSolutions::AwsSolutions-APIG4',
        reason:
          'Public by design: the citizen API has no accounts (holds and bookings are reached through unguessable ids ' +
          'and HMAC-signed codes checked by the function), and the counter page reads its sign-in configuration, ' +
          'the check-in public key and the display without one, and the open data is everyone\'s; the stage is ' +
          'throttled.',
      });
    }
  }
}

/**
 * The integration's lambda:InvokeFunction permission, limited (as SAM does) to this route's method
 * and path, path parameters as "*": HttpLambdaIntegration allows any method on the path
 * (`<api>/* /* /path`).
 */
function narrowInvokePermission(created: apigw.HttpRoute, api: apigw.HttpApi, route: Route): void {
  const permissions = created.node.findAll().filter((c): c is lambda.CfnPermission => c instanceof lambda.CfnPermission);
  if (permissions.length !== 1) {
    throw new Error(`route ${route.method} ${route.path}: expected one Lambda permission, found ${permissions.length}`);
  }
  const path = route.path.replace(/\{[^}]+\}/g, '*');
  permissions[0].sourceArn = Fn.join('', [
    'arn:',
    Aws.PARTITION,
    ':execute-api:',
    Aws.REGION,
    ':',
    Aws.ACCOUNT_ID,
    ':',
    api.apiId,
    `/*/${route.method.toUpperCase()}${path}`,
  ]);
}

function httpMethod(method: string): apigw.HttpMethod {
  const found = (Object.values(apigw.HttpMethod) as string[]).find((m) => m === method.toUpperCase());
  if (!found) {
    throw new Error(`route table: unknown HTTP method ${method}`);
  }
  return found as apigw.HttpMethod;
}
