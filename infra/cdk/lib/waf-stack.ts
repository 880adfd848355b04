// The AWS WAF web ACL of Prenota's CloudFront distribution, built from infra/waf.json (the same
// stack as infra/sam/waf.yaml). A web ACL of scope CLOUDFRONT can only be created in us-east-1:
// this stack is pinned there (bin/prenota.ts), and its WebAclArn output is the main stack's
// WebAclArn parameter (docs/deploy.md, 5.4).

import { Aws, CfnOutput, CfnParameter, Fn, RemovalPolicy, Stack, StackProps } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import { WafRateRule, WafSpec, pathRegex } from './specs';

/** WAF's lowest rate limit. */
const LOWEST_RATE_LIMIT = 10;

export interface PrenotaWafStackProps extends StackProps {
  readonly waf: WafSpec;
}

export class PrenotaWafStack extends Stack {
  constructor(scope: Construct, id: string, props: PrenotaWafStackProps) {
    super(scope, id, props);
    const waf = props.waf;
    this.templateOptions.description =
      "Prenota: the AWS WAF web ACL of the site's CloudFront distribution (scope CLOUDFRONT, us-east-1; " +
      'infra/waf.json; CDK build of infra/sam/waf.yaml)';

    const limits = new Map<string, CfnParameter>();
    for (const [name, parameter] of Object.entries(waf.parameters)) {
      limits.set(
        name,
        new CfnParameter(this, name, {
          type: 'Number',
          default: parameter.default,
          minValue: LOWEST_RATE_LIMIT,
          description: parameter.description,
        }),
      );
    }

    const rules: wafv2.CfnWebACL.RuleProperty[] = [
      ...waf.rateRules.map((rule) => rateRule(rule, waf, limits.get(rule.limit)!)),
      ...waf.managedRuleGroups.map(managedRule),
    ].sort((a, b) => a.priority - b.priority);

    const customResponseBodies: Record<string, wafv2.CfnWebACL.CustomResponseBodyProperty> = {};
    for (const [key, response] of Object.entries(waf.responses)) {
      customResponseBodies[key] = {
        contentType: response.contentType,
        content: response.json !== undefined ? JSON.stringify(response.json) : response.text!,
      };
    }

    const webAcl = new wafv2.CfnWebACL(this, 'WebAcl', {
      name: Aws.STACK_NAME,
      description: waf.aclDescription,
      scope: waf.scope,
      defaultAction: { allow: {} },
      visibilityConfig: visibility(waf.metricName),
      customResponseBodies,
      rules,
    });

    createLogging(this, webAcl, waf);

    new CfnOutput(this, 'WebAclArn', {
      description: "The web ACL's ARN, for the main stack's WebAclArn parameter",
      value: webAcl.attrArn,
    });
  }
}

function visibility(metricName: string): wafv2.CfnWebACL.VisibilityConfigProperty {
  return { sampledRequestsEnabled: true, cloudWatchMetricsEnabled: true, metricName };
}

/** `METHOD /path` as the method, exactly, and the URL-decoded path. */
function routeStatement(route: string): wafv2.CfnWebACL.StatementProperty {
  const [method, path] = route.split(' ', 2);
  return {
    andStatement: {
      statements: [
        {
          byteMatchStatement: {
            fieldToMatch: { method: {} },
            positionalConstraint: 'EXACTLY',
            searchString: method,
            textTransformations: [{ priority: 0, type: 'NONE' }],
          },
        },
        {
          regexMatchStatement: {
            fieldToMatch: { uriPath: {} },
            regexString: pathRegex(path),
            textTransformations: [{ priority: 0, type: 'URL_DECODE' }],
          },
        },
      ],
    },
  };
}

/** Per client IP over the evaluation window, on the rule's routes; over the limit, its answer. */
function rateRule(rule: WafRateRule, waf: WafSpec, limit: CfnParameter): wafv2.CfnWebACL.RuleProperty {
  const statements = rule.routes.map(routeStatement);
  return {
    name: rule.name,
    priority: rule.priority,
    action: {
      block: {
        customResponse: {
          responseCode: waf.blockedStatus,
          customResponseBodyKey: rule.response,
          responseHeaders: [{ name: 'Retry-After', value: String(waf.evaluationWindowSec) }],
        },
      },
    },
    statement: {
      rateBasedStatement: {
        limit: limit.valueAsNumber,
        evaluationWindowSec: waf.evaluationWindowSec,
        aggregateKeyType: 'IP',
        scopeDownStatement: statements.length === 1 ? statements[0] : { orStatement: { statements } },
      },
    },
    visibilityConfig: visibility(rule.name),
  };
}

/** An AWS managed rule group with its own rules' actions, but those waf.json makes count only. */
function managedRule(group: WafSpec['managedRuleGroups'][number]): wafv2.CfnWebACL.RuleProperty {
  const counted = group.countRules ?? [];
  return {
    name: group.name,
    priority: group.priority,
    overrideAction: { none: {} },
    statement: {
      managedRuleGroupStatement: {
        vendorName: 'AWS',
        name: group.name,
        ...(counted.length > 0
          ? { ruleActionOverrides: counted.map((name) => ({ name, actionToUse: { count: {} } })) }
          : {}),
      },
    },
    visibilityConfig: visibility(group.name),
  };
}

/**
 * Blocked requests only, with the URI path and query string redacted (a blocked POST /c/{code}
 * would otherwise log a booking's secret code), to a log group WAF accepts (aws-waf-logs-…),
 * kept as waf.json says. WAF adds the log group's resource policy itself.
 */
function createLogging(stack: Stack, webAcl: wafv2.CfnWebACL, waf: WafSpec): void {
  const logGroup = new logs.CfnLogGroup(stack, 'WebAclLogGroup', {
    logGroupName: Fn.join('', ['aws-waf-logs-', Aws.STACK_NAME]),
    retentionInDays: waf.logging.retentionDays,
  });
  logGroup.applyRemovalPolicy(RemovalPolicy.DESTROY);
  new wafv2.CfnLoggingConfiguration(stack, 'WebAclLogging', {
    resourceArn: webAcl.attrArn,
    // The group's ARN without the ":*" its Arn attribute ends with.
    logDestinationConfigs: [
      Fn.join('', ['arn:', Aws.PARTITION, ':logs:', Aws.REGION, ':', Aws.ACCOUNT_ID, ':log-group:', logGroup.ref]),
    ],
    loggingFilter: {
      DefaultBehavior: 'DROP',
      Filters: [
        {
          Behavior: 'KEEP',
          Requirement: 'MEETS_ANY',
          Conditions: [{ ActionCondition: { Action: waf.logging.keep } }],
        },
      ],
    },
    redactedFields: waf.logging.redacted.map((field) =>
      field === 'UriPath'
        ? { uriPath: {} }
        : field === 'QueryString'
          ? { queryString: {} }
          : typeof field === 'object' && field.SingleHeader
            ? { singleHeader: { Name: field.SingleHeader.Name } }
            : unknownField(JSON.stringify(field)),
    ),
  });
}

function unknownField(field: string): never {
  throw new Error(`infra/waf.json: logging.redacted: ${field} is not UriPath, QueryString or a SingleHeader`);
}
