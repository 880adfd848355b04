// Alarms: each function's errors and throttles, the dead-letter queue, the failed messages and the
// SMS spend, all to one e-mail topic.

import { Duration, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cwActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { PrenotaFunction } from './functions';
import { Parameters } from './parameters';
import { pascal } from './specs';

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
export function createAlarms(
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
