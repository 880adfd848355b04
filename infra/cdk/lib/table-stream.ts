// The table, its stream into the sender with the dead-letter queue behind it, and EventBridge
// Scheduler (the reminders' role, the sender's sweep and its hourly sample).

import { Aws, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as eventSources from 'aws-cdk-lib/aws-lambda-event-sources';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { PrenotaFunction } from './functions';
import { cfnToCdkProps } from './specs';

/** The table exactly as infra/dynamodb/table.json, plus PITR, deletion protection and Retain. */
export function createTable(stack: Stack, definition: Record<string, unknown>): dynamodb.CfnTable {
  const table = new dynamodb.CfnTable(stack, 'Table', {
    ...(cfnToCdkProps(definition) as dynamodb.CfnTableProps),
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
    deletionProtectionEnabled: true,
  });
  table.applyRemovalPolicy(RemovalPolicy.RETAIN);
  table.overrideLogicalId('Table');
  return table;
}

export function createDeadLetterQueue(stack: Stack): sqs.Queue {
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
export function attachStream(sender: PrenotaFunction, table: dynamodb.CfnTable, deadLetterQueue: sqs.Queue): void {
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
export function createSchedulerRole(stack: Stack): iam.Role {
  const role = new iam.Role(stack, 'SchedulerRole', {
    description: 'Assumed by EventBridge Scheduler to invoke the reminder and sender Lambdas (Prenota).',
    assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', {
      conditions: { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } },
    }),
  });
  (role.node.defaultChild as iam.CfnRole).overrideLogicalId('SchedulerRole');
  return role;
}

/** The input of the sender's hourly schedule (functions/lambda/src/sender.rs, SAMPLE_FIRST_FREE). */
const SAMPLE_INPUT = '{"task": "sample-first-free"}';

/**
 * The reminders' schedule group, the scheduler role's one statement, the sender's sweep and its
 * hourly sample. The statement is a separate AWS::IAM::Policy: the sender's environment names the
 * role, so the role itself cannot name the sender.
 */
export function createSchedulerResources(
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
  if (sender.spec.sample) {
    // The first free slot of each service, for the statistics: the one figure that cannot be
    // counted afterwards. A failed sample fails the invocation (the sender's Errors alarm).
    const sample = new scheduler.CfnSchedule(stack, 'SenderSampleSchedule', {
      description: 'Prenota sender hourly sample of the first free slots',
      scheduleExpression: sender.spec.sample,
      flexibleTimeWindow: { mode: 'OFF' },
      state: 'ENABLED',
      target: {
        arn: sender.fn.functionArn,
        roleArn: role.roleArn,
        input: SAMPLE_INPUT,
        // For an invocation Lambda did not accept (a failed sample is retried by Lambda's
        // asynchronous invocation): a sample a little late still tells the hour (a second one in
        // the hour replaces the first); one older than the next sample is worth nothing.
        retryPolicy: { maximumRetryAttempts: 2, maximumEventAgeInSeconds: 1800 },
      },
    });
    sample.node.addDependency(policy);
  }
}
