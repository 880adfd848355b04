// The stack's parameters, rules and conditions (the same as infra/sam/template.yaml's), and the
// values made from them that several parts use: the public URL and the SSM parameters' ARNs.

import { Aws, CfnCondition, CfnParameter, CfnRule, Fn, Stack } from 'aws-cdk-lib';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';

/** The stack parameters of infra/README.md. */
export interface Parameters {
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

export function defineParameters(stack: Stack): Parameters {
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
export function publicUrl(distribution: cloudfront.Distribution, params: Parameters): string {
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
export function parameterArn(name: string): string {
  return Fn.join('', ['arn:', Aws.PARTITION, ':ssm:', Aws.REGION, ':', Aws.ACCOUNT_ID, ':parameter', name]);
}
