// The Lambdas: each with its own log group and its own role (every statement inline, exactly what
// infra/README.md grants), the variables they share and the sender's own.

import * as path from 'path';
import { Duration, RemovalPolicy, Stack, Tags, Validations } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as ses from 'aws-cdk-lib/aws-ses';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Parameters } from './parameters';
import { FunctionSpec, pascal } from './specs';

/** Log retention of every log group: 90 days. */
export const LOG_RETENTION = logs.RetentionDays.THREE_MONTHS;

/** One Lambda with its role and log group. */
export interface PrenotaFunction {
  readonly name: string;
  readonly spec: FunctionSpec;
  readonly fn: lambda.Function;
  readonly role: iam.Role;
  readonly logGroup: logs.LogGroup;
}

/** What the functions' policies and environment refer to, made before the functions. */
export interface Shared {
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

export function commonEnvironment(
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
export function createFunction(
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

export function requireFunction(byName: Map<string, PrenotaFunction>, name: string): PrenotaFunction {
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
export function configureSender(sender: PrenotaFunction, reminder: PrenotaFunction, shared: Shared, params: Parameters): void {
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
