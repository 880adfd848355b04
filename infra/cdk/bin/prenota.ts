#!/usr/bin/env node
// The CDK app: `npx cdk synth -c lambdaDir=PATH -c routes=PATH` (defaults in cdk.json:
// ../../target/lambda-zips and ../../target/routes.json, relative to infra/cdk). cdk-nag's
// AwsSolutionsChecks run on every synth; an unacknowledged finding fails it.

import * as path from 'path';
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { PrenotaStack } from '../lib/prenota-stack';
import { readSpecs } from '../lib/specs';

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
});

new PrenotaStack(app, contextString('stackName', 'Prenota'), {
  specs,
  analyticsReporting: false,
});

Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
