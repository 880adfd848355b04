// Prenota's AWS stack (infra/README.md is the specification; infra/sam/template.yaml builds the
// same stack with AWS SAM). Each part is one small function below; the constructor only wires them.

import * as path from 'path';
import {
  Aws,
  CfnCondition,
  CfnOutput,
  CfnParameter,
  CfnRule,
  Duration,
  Fn,
  RemovalPolicy,
  Stack,
  StackProps,
  Tags,
  Validations,
} from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as cwActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as eventSources from 'aws-cdk-lib/aws-lambda-event-sources';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as ses from 'aws-cdk-lib/aws-ses';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';
import { FunctionSpec, Route, Specs, cfnToCdkProps, needsToken, pascal } from './specs';

/** Log retention of every log group: 90 days. */
const LOG_RETENTION = logs.RetentionDays.THREE_MONTHS;
/**
 * The site's Content-Security-Policy (static-site/README.md: the inline script by hash, the map's
 * tiles from OpenStreetMap; everything else from our own origin).
 */
export const SITE_CSP = [
  "default-src 'self'",
  "script-src 'self' 'sha256-7s3cjDzII9nOpSY1BKLd441yA9JYLkAKF9MOPYR9Yrg='",
  "style-src 'self'",
  "img-src 'self' data: https://tile.openstreetmap.org",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

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

/**
 * The counter page's Content-Security-Policy: the site's, without the home page's inline script,
 * and with the hosted sign-in's token endpoint reachable (connect-src).
 */
function staffCsp(signInUrl: string): string {
  return Fn.join('', [
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self' ",
    signInUrl,
    "; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'",
  ]);
}

/** The Permissions-Policy of every page, and of the counter page (src/headers.rs). */
const SITE_PERMISSIONS = 'camera=(), microphone=(), geolocation=(self), payment=(), usb=()';
const COUNTER_PERMISSIONS = 'camera=(self), microphone=(), geolocation=(self), payment=(), usb=()';

/** /display/<office id> is /display/index.html; a folder (/sportello/) is its index.html. */
const PAGES_REWRITE = `function handler(event) {
  var request = event.request;
  if (request.uri.indexOf('/display/') === 0) {
    request.uri = '/display/index.html';
  } else if (request.uri.charAt(request.uri.length - 1) === '/') {
    request.uri += 'index.html';
  }
  return request;
}
`;

export interface PrenotaStackProps extends StackProps {
  readonly specs: Specs;
}

/** The stack parameters of infra/README.md. */
interface Parameters {
  readonly domainName: CfnParameter;
  readonly certificateArn: CfnParameter;
  readonly mailFrom: CfnParameter;
  readonly sesIdentity: CfnParameter;
  readonly smsSenderId: CfnParameter;
  readonly retention: CfnParameter;
  readonly reminderTime: CfnParameter;
  readonly holdTtl: CfnParameter;
  readonly confirmTtl: CfnParameter;
  readonly alarmEmail: CfnParameter;
  /** Names of the two SecureStrings, created by docs/deploy.md's command, never by the stack. */
  readonly hmacKeyParameterName: CfnParameter;
  readonly checkinKeyParameterName: CfnParameter;
  /** The web ACL of the PrenotaWaf stack (us-east-1), or empty. */
  readonly webAclArn: CfnParameter;
  readonly smsSpendAlarmThreshold: CfnParameter;
  /** The prefix of the staff's hosted sign-in domain. */
  readonly staffLoginDomainPrefix: CfnParameter;
  readonly hasDomain: CfnCondition;
  readonly hasWebAcl: CfnCondition;
}

/** One Lambda with its role and log group. */
interface PrenotaFunction {
  readonly name: string;
  readonly spec: FunctionSpec;
  readonly fn: lambda.Function;
  readonly role: iam.Role;
  readonly logGroup: logs.LogGroup;
}

/** What the functions' policies and environment refer to, made before the functions. */
interface Shared {
  readonly table: dynamodb.CfnTable;
  readonly publicUrlParameterName: string;
  readonly publicUrlParameterArn: string;
  readonly secureStringArns: string[];
  readonly environment: Record<string, string>;
  readonly deadLetterQueue: sqs.Queue;
  readonly schedulerRole: iam.Role;
  readonly configurationSet: ses.CfnConfigurationSet;
  /** The reminders' schedule group; its Ref (the name) goes into the sender's policy and environment. */
  readonly scheduleGroup: scheduler.CfnScheduleGroup;
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

// ---------------------------------------------------------------------------------------------
// Parameters

function defineParameters(stack: Stack): Parameters {
  // Names, descriptions, defaults, patterns and rules exactly as in infra/sam/template.yaml.
  // Not zero: the functions refuse a zero duration at init.
  const durationPattern = '^[1-9][0-9]*[smhd]$';
  const domainName = new CfnParameter(stack, 'DomainName', {
    type: 'String',
    default: '',
    description:
      'Custom domain of the site (e.g. prenota.comune.bergamo.it). Empty: the CloudFront domain. Needs CertificateArn.',
    allowedPattern: '^$|^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z]{2,63}$',
  });
  const certificateArn = new CfnParameter(stack, 'CertificateArn', {
    type: 'String',
    default: '',
    description: 'ACM certificate for DomainName, in us-east-1 (CloudFront). Empty with no DomainName.',
    allowedPattern: '^$|^arn:aws[a-z-]*:acm:us-east-1:[0-9]{12}:certificate/[0-9a-f-]+$',
  });
  const mailFrom = new CfnParameter(stack, 'MailFrom', {
    type: 'String',
    description:
      'The From of the e-mails, a verified SES identity, e.g. "Prenota Bergamo <prenota@comune.bergamo.it>".',
    minLength: 3,
  });
  const sesIdentity = new CfnParameter(stack, 'SesIdentity', {
    type: 'String',
    description: 'The SES identity (domain or address) the e-mails are sent from, verified by the deploy guide.',
    minLength: 3,
    allowedPattern: '^[^\\s/*]+$',
  });
  const smsSenderId = new CfnParameter(stack, 'SmsSenderId', {
    type: 'String',
    default: '',
    description: 'Alphanumeric SMS sender id (1-11 letters and digits, at least one letter); empty for none.',
    allowedPattern: '^$|^(?=[A-Za-z0-9]*[A-Za-z])[A-Za-z0-9]{1,11}$',
  });
  const retention = new CfnParameter(stack, 'Retention', {
    type: 'String',
    default: '2d',
    description: 'Personal data is erased this long after the appointment (PRENOTA_RETENTION).',
    allowedPattern: durationPattern,
  });
  const reminderTime = new CfnParameter(stack, 'ReminderTime', {
    type: 'String',
    default: '09:00',
    description:
      'Reminders go out the day before the appointment at this time, Europe/Rome (PRENOTA_REMINDER_TIME).',
    allowedPattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$',
  });
  const holdTtl = new CfnParameter(stack, 'HoldTtl', {
    type: 'String',
    default: '20m',
    description: 'Hold countdown (PRENOTA_HOLD_TTL).',
    allowedPattern: durationPattern,
  });
  const confirmTtl = new CfnParameter(stack, 'ConfirmTtl', {
    type: 'String',
    default: '30m',
    description: 'Time to confirm a booking by its link (PRENOTA_CONFIRM_TTL).',
    allowedPattern: durationPattern,
  });
  const alarmEmail = new CfnParameter(stack, 'AlarmEmail', {
    type: 'String',
    description: 'E-mail address subscribed to the alarm topic.',
    allowedPattern: '^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$',
  });
  const secureString = (id: string, name: string, what: string): CfnParameter =>
    new CfnParameter(stack, id, {
      type: 'String',
      default: name,
      description: `Name of the SSM SecureString holding the ${what} (created by the deploy guide, never by this template).`,
      allowedPattern: '^/[A-Za-z0-9_.\\-/]+$',
    });
  const hmacKeyParameterName = secureString('HmacKeyParameterName', '/prenota/hmac-key', 'HMAC key');
  const checkinKeyParameterName = secureString('CheckinKeyParameterName', '/prenota/checkin-key', 'check-in signing key');
  const webAclArn = new CfnParameter(stack, 'WebAclArn', {
    type: 'String',
    default: '',
    description:
      'ARN of the AWS WAF web ACL for the distribution (scope CLOUDFRONT, in us-east-1): the WebAclArn output of ' +
      'infra/sam/waf.yaml or of the CDK stack PrenotaWaf. Empty: no web ACL.',
    allowedPattern: '^$|^arn:aws[a-z-]*:wafv2:us-east-1:[0-9]{12}:global/webacl/[A-Za-z0-9_-]+/[0-9a-f-]+$',
  });
  const smsSpendAlarmThreshold = new CfnParameter(stack, 'SmsSpendAlarmThreshold', {
    type: 'Number',
    default: 2000,
    minValue: 1,
    description:
      "USD: the alarm SmsSpendAlarm fires when the account's SMS spend this month in this Region " +
      '(AWS/SNS SMSMonthToDateSpentUSD) reaches it. Keep it below the SMS MonthlySpendLimit, at which SNS stops ' +
      'sending (docs/deploy.md, 4.1).',
  });
  const staffLoginDomainPrefix = new CfnParameter(stack, 'StaffLoginDomainPrefix', {
    type: 'String',
    description:
      "Prefix of the staff's hosted sign-in page, https://<prefix>.auth.<region>.amazoncognito.com " +
      '(e.g. prenota-bergamo): lower-case letters, digits and hyphens, unique in the Region among all AWS ' +
      'accounts, without aws, amazon or cognito.',
    allowedPattern: '^(?!.*(aws|amazon|cognito))[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$',
  });
  const domainSet = Fn.conditionNot(Fn.conditionEquals(domainName.valueAsString, ''));
  const certificateSet = Fn.conditionNot(Fn.conditionEquals(certificateArn.valueAsString, ''));
  // Both set (the rules below refuse one without the other); naming CertificateArn here also lets
  // cfn-lint see that the certificate is only used when set.
  const hasDomain = new CfnCondition(stack, 'HasCustomDomain', {
    expression: Fn.conditionAnd(domainSet, certificateSet),
  });
  const hasWebAcl = new CfnCondition(stack, 'HasWebAcl', {
    expression: Fn.conditionNot(Fn.conditionEquals(webAclArn.valueAsString, '')),
  });
  new CfnRule(stack, 'CertificateWithDomain', {
    ruleCondition: domainSet,
    assertions: [
      { assert: certificateSet, assertDescription: 'A DomainName needs its CertificateArn (ACM, us-east-1).' },
    ],
  });
  new CfnRule(stack, 'DomainWithCertificate', {
    ruleCondition: certificateSet,
    assertions: [{ assert: domainSet, assertDescription: 'A CertificateArn needs its DomainName.' }],
  });
  return {
    domainName,
    certificateArn,
    mailFrom,
    sesIdentity,
    smsSenderId,
    retention,
    reminderTime,
    holdTtl,
    confirmTtl,
    alarmEmail,
    hmacKeyParameterName,
    checkinKeyParameterName,
    webAclArn,
    smsSpendAlarmThreshold,
    staffLoginDomainPrefix,
    hasDomain,
    hasWebAcl,
  };
}

/** `https://` + the custom domain when given, else the distribution's domain. */
function publicUrl(distribution: cloudfront.Distribution, params: Parameters): string {
  return Fn.join('', [
    'https://',
    Fn.conditionIf(
      params.hasDomain.logicalId,
      params.domainName.valueAsString,
      distribution.distributionDomainName,
    ).toString(),
  ]);
}

/** The ARN of an SSM parameter whose name starts with "/" (the parameters' AllowedPattern). */
function parameterArn(name: string): string {
  return Fn.join('', ['arn:', Aws.PARTITION, ':ssm:', Aws.REGION, ':', Aws.ACCOUNT_ID, ':parameter', name]);
}

// ---------------------------------------------------------------------------------------------
// Table

/** The table exactly as infra/dynamodb/table.json, plus PITR, deletion protection and Retain. */
function createTable(stack: Stack, definition: Record<string, unknown>): dynamodb.CfnTable {
  const table = new dynamodb.CfnTable(stack, 'Table', {
    ...(cfnToCdkProps(definition) as dynamodb.CfnTableProps),
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
    deletionProtectionEnabled: true,
  });
  table.applyRemovalPolicy(RemovalPolicy.RETAIN);
  table.overrideLogicalId('Table');
  return table;
}

// ---------------------------------------------------------------------------------------------
// Functions

function commonEnvironment(
  table: dynamodb.CfnTable,
  publicUrlParameterName: string,
  params: Parameters,
): Record<string, string> {
  return {
    TABLE_NAME: table.ref,
    PRENOTA_PUBLIC_URL_PARAMETER: publicUrlParameterName,
    PRENOTA_HMAC_KEY_PARAMETER: params.hmacKeyParameterName.valueAsString,
    PRENOTA_CHECKIN_KEY_PARAMETER: params.checkinKeyParameterName.valueAsString,
    PRENOTA_HOLD_TTL: params.holdTtl.valueAsString,
    PRENOTA_CONFIRM_TTL: params.confirmTtl.valueAsString,
    PRENOTA_RETENTION: params.retention.valueAsString,
    PRENOTA_REMINDER_TIME: params.reminderTime.valueAsString,
  };
}

/** The statements every function has: its DynamoDB actions, the three parameters, its log group. */
function baseStatements(spec: FunctionSpec, logGroup: logs.LogGroup, shared: Shared): iam.PolicyStatement[] {
  const tableArn = shared.table.attrArn;
  return [
    new iam.PolicyStatement({
      sid: 'Table',
      actions: spec.dynamodb.map((action) => `dynamodb:${action}`),
      resources: spec.index ? [tableArn, `${tableArn}/index/*`] : [tableArn],
    }),
    new iam.PolicyStatement({
      sid: 'Parameters',
      actions: ['ssm:GetParameter'],
      resources: [...shared.secureStringArns, shared.publicUrlParameterArn],
    }),
    new iam.PolicyStatement({
      sid: 'Logs',
      actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
      // The group's Arn attribute already ends in ":*" (its streams).
      resources: [logGroup.logGroupArn],
    }),
  ];
}

/**
 * One function: its own log group and its own role. Every statement of the role is written here,
 * inline in the AWS::IAM::Role. The function gets the role through withoutPolicyUpdates(), so
 * neither Lambda (no AWSLambdaBasicExecutionRole: it only adds that to roles it creates itself)
 * nor the stream event source (dynamodb:ListStreams on "*", sqs:GetQueueAttributes and
 * sqs:GetQueueUrl) can add grants of their own.
 */
function createFunction(
  stack: Stack,
  name: string,
  spec: FunctionSpec,
  lambdaDir: string,
  shared: Shared,
  params: Parameters,
): PrenotaFunction {
  const id = pascal(name);
  const logGroup = new logs.LogGroup(stack, `${id}LogGroup`, {
    retention: LOG_RETENTION,
    removalPolicy: RemovalPolicy.DESTROY,
  });
  const role = new iam.Role(stack, `${id}Role`, {
    description: `Execution role of the ${name} Lambda (Prenota); exactly what infra/README.md grants it.`,
    assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
    inlinePolicies: {
      [`prenota-${name}`]: new iam.PolicyDocument({
        statements: [...baseStatements(spec, logGroup, shared), ...extraStatements(stack, spec, shared, params)],
      }),
    },
  });
  const fn = new lambda.Function(stack, `${id}Function`, {
    description: `Prenota ${name}`,
    runtime: lambda.Runtime.PROVIDED_AL2023,
    architecture: lambda.Architecture.ARM_64,
    handler: 'bootstrap',
    code: lambda.Code.fromAsset(path.join(lambdaDir, name, 'bootstrap.zip')),
    memorySize: spec.memory,
    timeout: Duration.seconds(spec.timeout),
    role: role.withoutPolicyUpdates(),
    logGroup,
    loggingFormat: lambda.LoggingFormat.JSON,
    environment: { ...shared.environment },
  });
  acknowledgeWildcards(role, spec);
  // On the AWS::Lambda::Function only (not on its event source mapping).
  Tags.of(fn.node.defaultChild as lambda.CfnFunction).add('prenota:function', name);
  (fn.node.defaultChild as lambda.CfnFunction).overrideLogicalId(`${id}Function`);
  (role.node.defaultChild as iam.CfnRole).overrideLogicalId(`${id}Role`);
  (logGroup.node.defaultChild as logs.CfnLogGroup).overrideLogicalId(`${id}LogGroup`);
  return { name, spec, fn, role, logGroup };
}

/** The three wildcards infra/README.md allows, acknowledged on the one role that has each. */
function acknowledgeWildcards(role: iam.Role, spec: FunctionSpec): void {
  const findings: Array<[boolean | undefined, string, string]> = [
    [
      spec.index,
      'Resource::<Table.Arn>/index/*',
      'The Query actions of functions.json on the GSIs of the one table (index: true); the table has only gsi1.',
    ],
    [
      spec.sns,
      'Resource::*',
      'sns:Publish only: an SMS to a phone number has no resource ARN (infra/README.md, "Permissions").',
    ],
    [
      spec.scheduler,
      'Resource::arn:<AWS::Partition>:scheduler:<AWS::Region>:<AWS::AccountId>:schedule/<ReminderScheduleGroup>/*',
      'scheduler:CreateSchedule, UpdateSchedule and DeleteSchedule on the schedules of the reminders group only: one schedule per booking, named at run time (a moved booking moves its schedule).',
    ],
  ];
  for (const [applies, finding, reason] of findings) {
    if (applies) {
      Validations.of(role).acknowledge({ id: `AwsSolutions::AwsSolutions-IAM5[${finding}]`, reason });
    }
  }
}

function requireFunction(byName: Map<string, PrenotaFunction>, name: string): PrenotaFunction {
  const found = byName.get(name);
  if (!found) {
    throw new Error(`infra/functions.json has no ${name} function, which the stack needs`);
  }
  return found;
}

/**
 * The sender's extras (infra/README.md, "Permissions"), each given by its flag in functions.json
 * (ses, sns, scheduler, stream), whichever function has it.
 */
function extraStatements(stack: Stack, spec: FunctionSpec, shared: Shared, params: Parameters): iam.PolicyStatement[] {
  const statements: iam.PolicyStatement[] = [];
  if (spec.ses) {
    statements.push(
      new iam.PolicyStatement({
        sid: 'SendEmail',
        actions: ['ses:SendEmail', 'ses:SendRawEmail'],
        resources: [
          stack.formatArn({ service: 'ses', resource: 'identity', resourceName: params.sesIdentity.valueAsString }),
          stack.formatArn({ service: 'ses', resource: 'configuration-set', resourceName: shared.configurationSet.ref }),
        ],
      }),
    );
  }
  if (spec.sns) {
    statements.push(
      new iam.PolicyStatement({
        sid: 'SendSms',
        actions: ['sns:Publish'],
        // An SMS to a phone number has no resource ARN (infra/README.md).
        resources: ['*'],
      }),
    );
  }
  if (spec.scheduler) {
    statements.push(
      new iam.PolicyStatement({
        sid: 'Reminders',
        actions: ['scheduler:CreateSchedule', 'scheduler:UpdateSchedule', 'scheduler:DeleteSchedule'],
        resources: [stack.formatArn({ service: 'scheduler', resource: 'schedule', resourceName: `${shared.scheduleGroup.ref}/*` })],
      }),
    );
    statements.push(
      new iam.PolicyStatement({
        sid: 'PassSchedulerRole',
        actions: ['iam:PassRole'],
        resources: [shared.schedulerRole.roleArn],
        conditions: { StringEquals: { 'iam:PassedToService': 'scheduler.amazonaws.com' } },
      }),
    );
  }
  if (spec.stream) {
    const streamArn = shared.table.attrStreamArn;
    statements.push(
      new iam.PolicyStatement({
        sid: 'Stream',
        actions: ['dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator', 'dynamodb:ListStreams'],
        resources: [streamArn],
      }),
    );
    statements.push(
      new iam.PolicyStatement({
        sid: 'DeadLetterQueue',
        actions: ['sqs:SendMessage'],
        resources: [shared.deadLetterQueue.queueArn],
      }),
    );
  }
  return statements;
}

/** The sender's own variables (README.md, "Settings (AWS Lambdas)"). */
function configureSender(sender: PrenotaFunction, reminder: PrenotaFunction, shared: Shared, params: Parameters): void {
  const variables: Record<string, string> = {
    PRENOTA_MAIL_FROM: params.mailFrom.valueAsString,
    PRENOTA_SES_CONFIGURATION_SET: shared.configurationSet.ref,
    PRENOTA_SMS_SENDER_ID: params.smsSenderId.valueAsString,
    PRENOTA_SCHEDULE_GROUP: shared.scheduleGroup.ref,
    PRENOTA_REMINDER_FUNCTION_ARN: reminder.fn.functionArn,
    PRENOTA_SCHEDULER_ROLE_ARN: shared.schedulerRole.roleArn,
  };
  for (const [key, value] of Object.entries(variables)) {
    sender.fn.addEnvironment(key, value);
  }
}

// ---------------------------------------------------------------------------------------------
// Stream, dead-letter queue, Scheduler

function createDeadLetterQueue(stack: Stack): sqs.Queue {
  const queue = new sqs.Queue(stack, 'SenderDeadLetterQueue', {
    encryption: sqs.QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    retentionPeriod: Duration.days(14),
  });
  (queue.node.defaultChild as sqs.CfnQueue).overrideLogicalId('SenderDeadLetterQueue');
  Validations.of(queue).acknowledge({
    id: 'AwsSolutions::AwsSolutions-SQS3',
    reason:
      'This queue is the dead-letter queue itself (on-failure destination of the sender stream mapping, which ' +
      'cdk-nag does not recognise as a DLQ); the DeadLetterQueueAlarm watches its visible messages.',
  });
  return queue;
}

/** The sender on the table's stream: new outbox items only, retried, bisected, then to the DLQ. */
function attachStream(sender: PrenotaFunction, table: dynamodb.CfnTable, deadLetterQueue: sqs.Queue): void {
  const streamTable = dynamodb.Table.fromTableAttributes(sender.fn.stack, 'TableStream', {
    tableArn: table.attrArn,
    tableStreamArn: table.attrStreamArn,
  });
  sender.fn.addEventSource(
    new eventSources.DynamoEventSource(streamTable, {
      startingPosition: lambda.StartingPosition.LATEST,
      batchSize: 10,
      bisectBatchOnError: true,
      retryAttempts: 5,
      reportBatchItemFailures: true,
      onFailure: new eventSources.SqsDlq(deadLetterQueue),
      filters: [
        lambda.FilterCriteria.filter({
          eventName: lambda.FilterRule.isEqual('INSERT'),
          dynamodb: { Keys: { pk: { S: lambda.FilterRule.beginsWith('OUTBOX#') } } },
        }),
      ],
    }),
  );
}

/** The role EventBridge Scheduler assumes; its policy is added once the two functions exist. */
function createSchedulerRole(stack: Stack): iam.Role {
  const role = new iam.Role(stack, 'SchedulerRole', {
    description: 'Assumed by EventBridge Scheduler to invoke the reminder and sender Lambdas (Prenota).',
    assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', {
      conditions: { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } },
    }),
  });
  (role.node.defaultChild as iam.CfnRole).overrideLogicalId('SchedulerRole');
  return role;
}

/**
 * The reminders' schedule group, the scheduler role's one statement, and the sender's sweep. The
 * statement is a separate AWS::IAM::Policy: the sender's environment names the role, so the role
 * itself cannot name the sender.
 */
function createSchedulerResources(
  stack: Stack,
  role: iam.Role,
  sender: PrenotaFunction,
  reminder: PrenotaFunction,
): void {
  const policy = new iam.Policy(stack, 'SchedulerInvokePolicy', {
    policyName: 'invoke-reminder-and-sender',
    roles: [role],
    statements: [
      new iam.PolicyStatement({
        sid: 'Invoke',
        actions: ['lambda:InvokeFunction'],
        resources: [reminder.fn.functionArn, sender.fn.functionArn],
      }),
    ],
  });
  if (sender.spec.sweep) {
    const sweep = new scheduler.CfnSchedule(stack, 'SenderSweepSchedule', {
      description: 'Prenota sender sweep of pending messages',
      scheduleExpression: sender.spec.sweep,
      flexibleTimeWindow: { mode: 'OFF' },
      state: 'ENABLED',
      target: {
        arn: sender.fn.functionArn,
        roleArn: role.roleArn,
        input: '{}',
        // The next sweep comes in 5 minutes: no retries piling up behind it (the default would
        // retry up to 185 times over 24 hours).
        retryPolicy: { maximumRetryAttempts: 0 },
      },
    });
    sweep.node.addDependency(policy);
  }
}

// ---------------------------------------------------------------------------------------------
// HTTP API

/** The HTTP API and its throttled, logged $default stage; the routes come with addRoutes. */
function createHttpApi(stack: Stack): apigw.HttpApi {
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
function addRoutes(
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
          'the check-in public key and the display without one; the stage is throttled.',
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

// ---------------------------------------------------------------------------------------------
// Site: S3 + CloudFront

function createSite(
  stack: Stack,
  api: apigw.HttpApi,
  params: Parameters,
  signInUrl: string,
): { bucket: s3.Bucket; distribution: cloudfront.Distribution } {
  const bucket = new s3.Bucket(stack, 'SiteBucket', {
    blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
    encryption: s3.BucketEncryption.S3_MANAGED,
    enforceSSL: true,
    objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
    removalPolicy: RemovalPolicy.RETAIN,
  });
  const headers = new cloudfront.ResponseHeadersPolicy(stack, 'SecurityHeaders', {
    responseHeadersPolicyName: `${Aws.STACK_NAME}-security-headers`,
    comment: "Prenota security headers and the site's Content-Security-Policy (static-site/README.md)",
    securityHeadersBehavior: {
      strictTransportSecurity: {
        accessControlMaxAge: Duration.days(365),
        includeSubdomains: true,
        override: true,
      },
      contentTypeOptions: { override: true },
      frameOptions: { frameOption: cloudfront.HeadersFrameOption.DENY, override: true },
      referrerPolicy: { referrerPolicy: cloudfront.HeadersReferrerPolicy.NO_REFERRER, override: true },
      // Not overriding: the /c/ and /p/ pages send their own, stricter CSP (with their stylesheet's hash).
      contentSecurityPolicy: { contentSecurityPolicy: SITE_CSP, override: false },
    },
    // No camera, microphone, payment or USB for any page (src/headers.rs, PERMISSIONS_POLICY); the
    // API's answers keep their own (the same).
    customHeadersBehavior: {
      customHeaders: [{ header: 'Permissions-Policy', value: SITE_PERMISSIONS, override: false }],
    },
  });
  const apiOrigin = new origins.HttpOrigin(Fn.select(2, Fn.split('/', api.apiEndpoint)), {
    protocolPolicy: cloudfront.OriginProtocolPolicy.HTTPS_ONLY,
    originSslProtocols: [cloudfront.OriginSslPolicy.TLS_V1_2],
  });
  // The counter page's headers: the site's, its CSP with the sign-in's token endpoint, and no copy
  // of the page kept anywhere.
  const staffHeaders = new cloudfront.ResponseHeadersPolicy(stack, 'StaffHeadersPolicy', {
    responseHeadersPolicyName: `${Aws.STACK_NAME}-staff-headers`,
    comment: 'Prenota counter page (/sportello/) security headers, its CSP with the sign-in domain, no-store',
    securityHeadersBehavior: {
      strictTransportSecurity: {
        accessControlMaxAge: Duration.days(365),
        includeSubdomains: true,
        override: true,
      },
      contentTypeOptions: { override: true },
      frameOptions: { frameOption: cloudfront.HeadersFrameOption.DENY, override: true },
      referrerPolicy: { referrerPolicy: cloudfront.HeadersReferrerPolicy.NO_REFERRER, override: true },
      contentSecurityPolicy: { contentSecurityPolicy: staffCsp(signInUrl), override: true },
    },
    customHeadersBehavior: {
      customHeaders: [
        { header: 'Cache-Control', value: 'no-store', override: true },
        // The page reads the booking's QR code with the device's camera.
        { header: 'Permissions-Policy', value: COUNTER_PERMISSIONS, override: true },
      ],
    },
  });
  (staffHeaders.node.defaultChild as cloudfront.CfnResponseHeadersPolicy).overrideLogicalId('StaffHeadersPolicy');
  // The display's answer: however many screens poll it, the function answers about once a second
  // per office; the origin's Cache-Control (max-age=1) rules, within 0 to 2 s.
  const displayCache = new cloudfront.CachePolicy(stack, 'DisplayCachePolicy', {
    cachePolicyName: `${Aws.STACK_NAME}-display`,
    comment: 'Prenota waiting-room display, 1 s (the origin\'s max-age), at most 2 s',
    minTtl: Duration.seconds(0),
    defaultTtl: Duration.seconds(1),
    maxTtl: Duration.seconds(2),
    enableAcceptEncodingGzip: true,
    enableAcceptEncodingBrotli: true,
    headerBehavior: cloudfront.CacheHeaderBehavior.none(),
    cookieBehavior: cloudfront.CacheCookieBehavior.none(),
    queryStringBehavior: cloudfront.CacheQueryStringBehavior.none(),
  });
  (displayCache.node.defaultChild as cloudfront.CfnCachePolicy).overrideLogicalId('DisplayCachePolicy');
  const pages = new cloudfront.Function(stack, 'PagesRewriteFunction', {
    functionName: Fn.join('', [Aws.STACK_NAME, '-pages']),
    comment: 'Prenota /display/* and folder addresses to their index.html',
    runtime: cloudfront.FunctionRuntime.JS_2_0,
    code: cloudfront.FunctionCode.fromInline(PAGES_REWRITE),
    autoPublish: true,
  });
  (pages.node.defaultChild as cloudfront.CfnFunction).overrideLogicalId('PagesRewriteFunction');
  const rewrite = [{ function: pages, eventType: cloudfront.FunctionEventType.VIEWER_REQUEST }];
  const siteOrigin = origins.S3BucketOrigin.withOriginAccessControl(bucket);
  const apiBehavior: cloudfront.BehaviorOptions = {
    origin: apiOrigin,
    viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
    allowedMethods: cloudfront.AllowedMethods.ALLOW_ALL,
    cachePolicy: cloudfront.CachePolicy.CACHING_DISABLED,
    originRequestPolicy: cloudfront.OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
    responseHeadersPolicy: headers,
  };
  const distribution = new cloudfront.Distribution(stack, 'Distribution', {
    comment: 'Prenota',
    defaultRootObject: 'index.html',
    httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
    priceClass: cloudfront.PriceClass.PRICE_CLASS_100,
    defaultBehavior: {
      origin: siteOrigin,
      viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
      cachePolicy: cloudfront.CachePolicy.CACHING_OPTIMIZED,
      responseHeadersPolicy: headers,
      compress: true,
    },
    additionalBehaviors: {
      // Before /api/*: the display's answer, cached a second.
      '/api/offices/*/display': {
        origin: apiOrigin,
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        allowedMethods: cloudfront.AllowedMethods.ALLOW_GET_HEAD,
        cachePolicy: displayCache,
        responseHeadersPolicy: headers,
      },
      '/api/*': apiBehavior,
      '/c/*': apiBehavior,
      '/p/*': apiBehavior,
      // The counter page: never cached, here or in the browser.
      '/sportello/*': {
        origin: siteOrigin,
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        cachePolicy: cloudfront.CachePolicy.CACHING_DISABLED,
        responseHeadersPolicy: staffHeaders,
        functionAssociations: rewrite,
      },
      // The waiting-room display: /display/<office id> is the page /display/index.html.
      '/display/*': {
        origin: siteOrigin,
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        cachePolicy: cloudfront.CachePolicy.CACHING_OPTIMIZED,
        responseHeadersPolicy: headers,
        functionAssociations: rewrite,
      },
    },
    // The web ACL of the PrenotaWaf stack (us-east-1), when its ARN is given (cdk-nag's CFR2 sees
    // this conditional id; with WebAclArn empty the distribution has none, docs/deploy.md 5.4).
    webAclId: Fn.conditionIf(params.hasWebAcl.logicalId, params.webAclArn.valueAsString, Aws.NO_VALUE).toString(),
  });
  setOptionalDomain(distribution, params);
  (distribution.node.defaultChild as cloudfront.CfnDistribution).overrideLogicalId('Distribution');
  (bucket.node.defaultChild as s3.CfnBucket).overrideLogicalId('SiteBucket');
  acknowledgeSiteFindings(bucket, distribution);
  return { bucket, distribution };
}

function acknowledgeSiteFindings(bucket: s3.Bucket, distribution: cloudfront.Distribution): void {
  Validations.of(bucket).acknowledge({
    id: 'AwsSolutions::AwsSolutions-S1',
    reason:
      'The bucket holds only the public static site, read only by CloudFront through OAC; server access logs would ' +
      'record nothing but CloudFront reads and the deployer\'s own uploads (aws s3 sync of static-site/dist).',
  });
  const findings: Array<[string, string]> = [
    ['CFR1', 'A public service for citizens who may be anywhere (abroad, roaming): no geographic restriction.'],
    [
      'CFR3',
      'No CloudFront access logs: they would store citizens\' IP addresses and the booking codes in /c/ and /p/ URLs ' +
        'beyond the data retention of the service; the HTTP API has its own access logs (90 days).',
    ],
    [
      'CFR4',
      'With a DomainName the viewer certificate is the given ACM certificate with TLSv1.2_2021 (a condition set ' +
        'by a property override, which cdk-nag does not see); without one, the *.cloudfront.net default certificate ' +
        'cannot be given a minimum protocol version.',
    ],
  ];
  for (const [rule, reason] of findings) {
    Validations.of(distribution).acknowledge({ id: `AwsSolutions::AwsSolutions-${rule}`, reason });
  }
}

/** Aliases and certificate only when DomainName is given (a CloudFormation condition). */
function setOptionalDomain(distribution: cloudfront.Distribution, params: Parameters): void {
  const cfn = distribution.node.defaultChild as cloudfront.CfnDistribution;
  cfn.addPropertyOverride(
    'DistributionConfig.Aliases',
    Fn.conditionIf(params.hasDomain.logicalId, [params.domainName.valueAsString], Aws.NO_VALUE),
  );
  const ifDomain = (value: unknown): unknown => Fn.conditionIf(params.hasDomain.logicalId, value, Aws.NO_VALUE);
  cfn.addPropertyOverride('DistributionConfig.ViewerCertificate', {
    AcmCertificateArn: ifDomain(params.certificateArn.valueAsString),
    SslSupportMethod: ifDomain('sni-only'),
    MinimumProtocolVersion: ifDomain('TLSv1.2_2021'),
    CloudFrontDefaultCertificate: Fn.conditionIf(params.hasDomain.logicalId, Aws.NO_VALUE, true),
  });
}

/** The public URL, read by the functions at init: they do not depend on the distribution. */
function createPublicUrlParameter(
  stack: Stack,
  name: string,
  distribution: cloudfront.Distribution,
  params: Parameters,
): void {
  new ssm.StringParameter(stack, 'PublicUrlParameter', {
    description: 'Public base URL of Prenota (links in e-mails and SMS), read by the Lambdas at init.',
    parameterName: name,
    simpleName: false,
    stringValue: publicUrl(distribution, params),
  });
}

// ---------------------------------------------------------------------------------------------
// Staff sign-in: Amazon Cognito (the same L1 properties as infra/sam/template.yaml)

/** `https://cognito-idp.<region>.amazonaws.com/<pool id>`, the tokens' `iss`. */
function issuerOf(pool: cognito.CfnUserPool): string {
  return Fn.join('', ['https://cognito-idp.', Aws.REGION, '.amazonaws.com/', pool.ref]);
}

/**
 * The staff's user pool (accounts made by an administrator only, the e-mail as user name, roles
 * as groups, offices in custom:offices), its groups and its hosted sign-in domain. Retained with
 * the stack's deletion, as the table.
 */
function createStaffIdentity(stack: Stack, params: Parameters): { pool: cognito.CfnUserPool; signInUrl: string } {
  const pool = new cognito.CfnUserPool(stack, 'StaffUserPool', {
    userPoolName: Fn.join('', [Aws.STACK_NAME, '-staff']),
    // Essentials: 10,000 monthly active users free; the Plus tier's threat protection costs for
    // every user, so it is off (docs/deploy.md, "Staff sign-in on AWS").
    userPoolTier: 'ESSENTIALS',
    deletionProtection: 'ACTIVE',
    usernameAttributes: ['email'],
    usernameConfiguration: { caseSensitive: false },
    autoVerifiedAttributes: ['email'],
    adminCreateUserConfig: { allowAdminCreateUserOnly: true },
    policies: {
      passwordPolicy: {
        minimumLength: 12,
        requireLowercase: true,
        requireUppercase: true,
        requireNumbers: true,
        requireSymbols: true,
        temporaryPasswordValidityDays: 3,
      },
    },
    mfaConfiguration: 'OPTIONAL',
    enabledMfas: ['SOFTWARE_TOKEN_MFA'],
    accountRecoverySetting: { recoveryMechanisms: [{ name: 'verified_email', priority: 1 }] },
    schema: [
      { name: 'email', attributeDataType: 'String', required: true, mutable: true },
      // The ids of the offices a person works at, comma-separated; written by administrators only.
      {
        name: 'offices',
        attributeDataType: 'String',
        mutable: true,
        stringAttributeConstraints: { minLength: '0', maxLength: '2048' },
      },
    ],
  });
  pool.applyRemovalPolicy(RemovalPolicy.RETAIN);
  pool.overrideLogicalId('StaffUserPool');
  const groups: Array<[string, string, string, number]> = [
    ['StaffOperatorGroup', 'operator', 'Works at the counters of the offices in custom:offices.', 30],
    ['StaffManagerGroup', 'manager', 'Operator rights in the offices in custom:offices, and their audit log.', 20],
    ['StaffAdminGroup', 'admin', 'Everything in every office.', 10],
  ];
  for (const [id, groupName, description, precedence] of groups) {
    new cognito.CfnUserPoolGroup(stack, id, { userPoolId: pool.ref, groupName, description, precedence }).overrideLogicalId(id);
  }
  const domain = new cognito.CfnUserPoolDomain(stack, 'StaffUserPoolDomain', {
    userPoolId: pool.ref,
    domain: params.staffLoginDomainPrefix.valueAsString,
  });
  domain.overrideLogicalId('StaffUserPoolDomain');
  const findings: Array<[string, string]> = [
    [
      'COG2',
      'MFA is optional (TOTP), as the city asked: staff sign in at shared counters and some have no phone of their own; ' +
        'a federated identity provider (docs/deploy.md) brings its own second factor.',
    ],
    [
      'COG3',
      'Threat protection needs the Plus feature plan, billed for every monthly active user; off for a few hundred staff ' +
        'accounts made by administrators only (docs/deploy.md, "Staff sign-in on AWS").',
    ],
    [
      'COG8',
      'Essentials, not Plus: Plus bills every monthly active user for threat protection (COG3), which this pool of ' +
        'administrator-made staff accounts does without; Essentials is free up to 10,000 of them.',
    ],
  ];
  for (const [rule, reason] of findings) {
    Validations.of(pool).acknowledge({ id: `AwsSolutions::AwsSolutions-${rule}`, reason });
  }
  return { pool, signInUrl: Fn.join('', ['https://', domain.ref, '.auth.', Aws.REGION, '.amazoncognito.com']) };
}

/**
 * The counter page's app client: public (no secret), authorization code (the page sends PKCE S256),
 * ID token 1 h, refresh 10 h, called back at https://<site>/sportello/; it reads custom:offices and
 * cannot write it.
 */
function createStaffClient(
  stack: Stack,
  pool: cognito.CfnUserPool,
  distribution: cloudfront.Distribution,
  params: Parameters,
): cognito.CfnUserPoolClient {
  const counterPage = Fn.join('', [publicUrl(distribution, params), '/sportello/']);
  const client = new cognito.CfnUserPoolClient(stack, 'StaffUserPoolClient', {
    userPoolId: pool.ref,
    clientName: 'counter',
    generateSecret: false,
    allowedOAuthFlowsUserPoolClient: true,
    allowedOAuthFlows: ['code'],
    allowedOAuthScopes: ['openid', 'email', 'profile'],
    supportedIdentityProviders: ['COGNITO'],
    callbackUrLs: [counterPage],
    logoutUrLs: [counterPage],
    explicitAuthFlows: ['ALLOW_REFRESH_TOKEN_AUTH'],
    preventUserExistenceErrors: 'ENABLED',
    enableTokenRevocation: true,
    idTokenValidity: 1,
    accessTokenValidity: 1,
    refreshTokenValidity: 10,
    tokenValidityUnits: { idToken: 'hours', accessToken: 'hours', refreshToken: 'hours' },
    readAttributes: ['email', 'email_verified', 'custom:offices'],
    // The required email stays writable by a client; custom:offices is not.
    writeAttributes: ['email', 'given_name', 'family_name'],
  });
  client.overrideLogicalId('StaffUserPoolClient');
  return client;
}

/** The staff's ID tokens: issuer the pool, audience the counter's client. */
function staffAuthorizer(pool: cognito.CfnUserPool, client: cognito.CfnUserPoolClient): HttpJwtAuthorizer {
  return new HttpJwtAuthorizer('StaffAuthorizer', issuerOf(pool), {
    authorizerName: 'staff-id-token',
    jwtAudience: [client.ref],
    identitySource: ['$request.header.Authorization'],
  });
}

// ---------------------------------------------------------------------------------------------
// Alarms

/**
 * Not encrypted: CloudWatch alarms cannot publish to a topic encrypted with the AWS-managed
 * aws/sns key (its key policy cannot grant cloudwatch.amazonaws.com kms:GenerateDataKey*), so
 * alias/aws/sns would drop every alarm silently; a customer-managed key costs 1 USD a month for
 * messages that hold only alarm names and metric values, never personal data. The topic policy
 * refuses publishing without TLS.
 */
function createAlarmTopic(stack: Stack, params: Parameters): sns.Topic {
  const topic = new sns.Topic(stack, 'AlarmTopic', {
    displayName: 'Prenota alarms',
    enforceSSL: true,
  });
  topic.addSubscription(new subscriptions.EmailSubscription(params.alarmEmail.valueAsString));
  return topic;
}

function alarm(stack: Stack, id: string, metric: cloudwatch.IMetric, description: string, topic: sns.Topic): void {
  const created = new cloudwatch.Alarm(stack, id, {
    metric,
    alarmDescription: description,
    threshold: 1,
    evaluationPeriods: 1,
    comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
  });
  created.addAlarmAction(new cwActions.SnsAction(topic));
}

/** Each function's errors and throttles, the DLQ's visible messages, the failed messages, the SMS spend. */
function createAlarms(
  stack: Stack,
  params: Parameters,
  functions: PrenotaFunction[],
  deadLetterQueue: sqs.Queue,
  sender: PrenotaFunction,
): void {
  const topic = createAlarmTopic(stack, params);
  const period = Duration.minutes(5);
  for (const { name, fn } of functions) {
    const id = pascal(name);
    alarm(
      stack,
      `${id}ErrorsAlarm`,
      fn.metricErrors({ period, statistic: 'Sum' }),
      `Prenota ${name} Lambda errors (at least one in 5 minutes).`,
      topic,
    );
    alarm(
      stack,
      `${id}ThrottlesAlarm`,
      fn.metricThrottles({ period, statistic: 'Sum' }),
      `Prenota ${name} Lambda throttles (at least one in 5 minutes).`,
      topic,
    );
  }
  alarm(
    stack,
    'DeadLetterQueueAlarm',
    deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period, statistic: 'Maximum' }),
    'Stream records of new outbox messages the sender could not handle are in its dead-letter queue.',
    topic,
  );
  const failed = new logs.MetricFilter(stack, 'MessageFailedMetricFilter', {
    logGroup: sender.logGroup,
    filterPattern: logs.FilterPattern.literal('"message failed"'),
    metricNamespace: 'Prenota',
    metricName: 'MessagesFailed',
    metricValue: '1',
    defaultValue: 0,
  });
  alarm(
    stack,
    'MessageFailedAlarm',
    failed.metric({ period, statistic: 'Sum' }),
    'The sender gave up on at least one e-mail or SMS (its "message failed" log lines).',
    topic,
  );
  // SMS cost money and the spend limit stops them all when reached: warn before. The metric has no
  // dimension (the account in this Region); an hour without a point (no SMS sent) keeps the state
  // the alarm had, since the month's total does not fall before the 1st.
  const smsSpend = new cloudwatch.Alarm(stack, 'SmsSpendAlarm', {
    metric: new cloudwatch.Metric({
      namespace: 'AWS/SNS',
      metricName: 'SMSMonthToDateSpentUSD',
      statistic: 'Maximum',
      period: Duration.hours(1),
    }),
    alarmDescription:
      "The SMS spend of this month reached SmsSpendAlarmThreshold USD; SNS stops sending SMS at the account's MonthlySpendLimit.",
    threshold: params.smsSpendAlarmThreshold.valueAsNumber,
    evaluationPeriods: 1,
    comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    treatMissingData: cloudwatch.TreatMissingData.IGNORE,
  });
  smsSpend.addAlarmAction(new cwActions.SnsAction(topic));
  (smsSpend.node.defaultChild as cloudwatch.CfnAlarm).overrideLogicalId('SmsSpendAlarm');
}
