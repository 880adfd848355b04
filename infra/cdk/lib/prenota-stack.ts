// Prenota's AWS stack (infra/README.md is the specification; infra/sam/template.yaml builds the
// same stack with AWS SAM). Each part is a small function of its own module (parameters, functions,
// table-stream, http-api, site, staff-identity, alarms); the constructor here only wires them.

import { Aws, CfnOutput, Fn, Stack, StackProps } from 'aws-cdk-lib';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as ses from 'aws-cdk-lib/aws-ses';
import { Construct } from 'constructs';
import { createAlarms } from './alarms';
import { Shared, commonEnvironment, configureSender, createFunction, requireFunction } from './functions';
import { addRoutes, createHttpApi } from './http-api';
import { defineParameters, parameterArn, publicUrl } from './parameters';
import { createPublicUrlParameter, createSite } from './site';
import { Specs } from './specs';
import { createStaffClient, createStaffIdentity, issuerOf, staffAuthorizer } from './staff-identity';
import { attachStream, createDeadLetterQueue, createSchedulerResources, createSchedulerRole, createTable } from './table-stream';

export { SITE_CSP } from './site';

export interface PrenotaStackProps extends StackProps {
  readonly specs: Specs;
}

export class PrenotaStack extends Stack {
  constructor(scope: Construct, id: string, props: PrenotaStackProps) {
    super(scope, id, props);
    this.templateOptions.description =
      'Prenota: booking of the counters of the Comune di Bergamo (infra/README.md; CDK build of the SAM stack)';

    const params = defineParameters(this);
    const table = createTable(this, props.specs.table);
    const publicUrlParameterName = Fn.join('', ['/prenota/', Aws.STACK_NAME, '/public-url']);
    const shared: Shared = {
      table,
      publicUrlParameterName,
      publicUrlParameterArn: parameterArn(publicUrlParameterName),
      secureStringArns: [params.hmacKeyParameterName, params.checkinKeyParameterName].map((p) =>
        parameterArn(p.valueAsString),
      ),
      environment: commonEnvironment(table, publicUrlParameterName, params),
      deadLetterQueue: createDeadLetterQueue(this),
      schedulerRole: createSchedulerRole(this),
      configurationSet: new ses.CfnConfigurationSet(this, 'ConfigurationSet', {
        reputationOptions: { reputationMetricsEnabled: true },
        sendingOptions: { sendingEnabled: true },
      }),
      // No fixed name, as in the SAM template: one per stack, so two stacks can share an account.
      scheduleGroup: new scheduler.CfnScheduleGroup(this, 'ReminderScheduleGroup'),
    };

    const functions = Object.entries(props.specs.functions.functions).map(([name, spec]) =>
      createFunction(this, name, spec, props.specs.lambdaDir, shared, params),
    );
    const byName = new Map(functions.map((f) => [f.name, f]));
    const sender = requireFunction(byName, 'sender');
    const reminder = requireFunction(byName, 'reminder');

    configureSender(sender, reminder, shared, params);
    attachStream(sender, table, shared.deadLetterQueue);
    createSchedulerResources(this, shared.schedulerRole, sender, reminder);

    // The API first (it depends on nothing), then the site in front of it, then the staff's user
    // pool, whose app client calls back to the site, and last the routes, whose staff half has
    // the pool's authorizer: no cycle (the SAM template is split the same way).
    const api = createHttpApi(this);
    const staff = createStaffIdentity(this, params);
    const site = createSite(this, api, params, staff.signInUrl);
    const client = createStaffClient(this, staff.pool, site.distribution, params);
    addRoutes(this, api, props.specs, byName, staffAuthorizer(staff.pool, client));
    for (const f of functions.filter((f) => f.spec.cognito)) {
      f.fn.addEnvironment('PRENOTA_COGNITO_ISSUER', issuerOf(staff.pool));
      f.fn.addEnvironment('PRENOTA_COGNITO_CLIENT_ID', client.ref);
      f.fn.addEnvironment('PRENOTA_COGNITO_DOMAIN', staff.signInUrl);
    }
    createPublicUrlParameter(this, publicUrlParameterName, site.distribution, params);
    createAlarms(this, params, functions, shared.deadLetterQueue, sender);

    // The same outputs, names and descriptions as infra/sam/template.yaml.
    const outputs: Array<[string, string, string]> = [
      ['SiteUrl', 'The public URL of the site (the custom domain when given, else the CloudFront domain)', publicUrl(site.distribution, params)],
      ['ApiUrl', 'The HTTP API endpoint (also reachable through the site under /api, /c and /p)', api.apiEndpoint],
      ['SiteBucketName', 'The bucket to upload static-site/dist to', site.bucket.bucketName],
      ['TableName', 'The table (for `cargo run -- catalogue import --table NAME`)', table.ref],
      ['DistributionId', 'The CloudFront distribution (for `aws cloudfront create-invalidation --distribution-id ID`)', site.distribution.distributionId],
      ['StaffUserPoolId', 'The staff\'s Cognito user pool (docs/deploy.md, "Staff sign-in on AWS")', staff.pool.ref],
      ['StaffClientId', 'The counter page\'s Cognito app client', client.ref],
      ['StaffSignInUrl', 'The staff\'s hosted sign-in domain', staff.signInUrl],
    ];
    for (const [id, description, value] of outputs) {
      new CfnOutput(this, id, { description, value });
    }
  }
}
