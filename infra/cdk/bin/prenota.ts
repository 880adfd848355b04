#!/usr/bin/env node
// The CDK app: `npx cdk synth -c lambdaDir=PATH -c routes=PATH` (defaults in cdk.json:
// ../../target/lambda-zips and ../../target/routes.json, relative to infra/cdk). cdk-nag's
// AwsSolutionsChecks run on every synth; an unacknowledged finding fails it.

import * as path from 'path';
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { PrenotaStack } from '../lib/prenota-stack';
import { readSpecs } from '../lib/specs';
import { PrenotaWafStack } from '../lib/waf-stack';

const app = new App();
const appDir = path.resolve(__dirname, '..');
const infraDir = path.resolve(appDir, '..');

/** A context value as a path: relative paths are taken from infra/cdk, where cdk runs. */
function contextPath(key: string, fallback: string): string {
  const value = app.node.tryGetContext(key);
  return path.resolve(appDir, typeof value === 'string' && value !== '' ? value : fallback);
}

function contextString(key: string, fallback: string): string {
  const value = app.node.tryGetContext(key);
  return typeof value === 'string' && value !== '' ? value : fallback;
}

const specs = readSpecs({
  functions: path.join(infraDir, 'functions.json'),
  table: path.join(infraDir, 'dynamodb', 'table.json'),
  routes: contextPath('routes', '../../target/routes.json'),
  lambdaDir: contextPath('lambdaDir', '../../target/lambda-zips'),
  waf: path.join(infraDir, 'waf.json'),
});

const stackName = contextString('stackName', 'Prenota');
// The main stack: no fixed Region (the CLI's AWS_DEFAULT_REGION, eu-south-1 in docs/deploy.md).
new PrenotaStack(app, stackName, {
  specs,
  analyticsReporting: false,
});
// The web ACL: a CLOUDFRONT web ACL can only be created in us-east-1, so its own stack, pinned
// there; `cdk deploy <stackName>Waf` and its WebAclArn output into the main stack's parameter.
new PrenotaWafStack(app, `${stackName}Waf`, {
  waf: specs.waf,
  env: { region: 'us-east-1' },
  analyticsReporting: false,
});

Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
