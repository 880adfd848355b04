// The site: the S3 bucket behind CloudFront (OAC), the API under /api, /c, /p and /w, the security
// headers and Content-Security-Policies, the display's one-second cache, the open data's cache by
// month, the pages' rewrite, and the public URL parameter the functions read at init.

import { Aws, Duration, Fn, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { Parameters, publicUrl } from './parameters';

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

/**
 * The staff pages' Content-Security-Policy (the counter's, the managers'): the site's, without the
 * home page's inline script, and with the hosted sign-in's token endpoint reachable (connect-src).
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

/**
 * /display/<office id> is /display/index.html; a folder (/sportello/, /gestione/, /open-data/) is
 * its index.html.
 */
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

/** The security headers every page gets, the counter page's too (each policy adds its CSP). */
const BASE_SECURITY_HEADERS = {
  strictTransportSecurity: {
    accessControlMaxAge: Duration.days(365),
    includeSubdomains: true,
    override: true,
  },
  contentTypeOptions: { override: true },
  frameOptions: { frameOption: cloudfront.HeadersFrameOption.DENY, override: true },
  referrerPolicy: { referrerPolicy: cloudfront.HeadersReferrerPolicy.NO_REFERRER, override: true },
};

export function createSite(
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
      ...BASE_SECURITY_HEADERS,
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
      ...BASE_SECURITY_HEADERS,
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
  // The managers' page (/gestione/, closures): the counter page's headers but the camera, which it
  // does not use (the site's Permissions-Policy).
  const managerHeaders = new cloudfront.ResponseHeadersPolicy(stack, 'ManagerHeadersPolicy', {
    responseHeadersPolicyName: `${Aws.STACK_NAME}-manager-headers`,
    comment: "Prenota managers' page (/gestione/) security headers, its CSP with the sign-in domain, no-store",
    securityHeadersBehavior: {
      ...BASE_SECURITY_HEADERS,
      contentSecurityPolicy: { contentSecurityPolicy: staffCsp(signInUrl), override: true },
    },
    customHeadersBehavior: {
      customHeaders: [
        { header: 'Cache-Control', value: 'no-store', override: true },
        { header: 'Permissions-Policy', value: SITE_PERMISSIONS, override: true },
      ],
    },
  });
  (managerHeaders.node.defaultChild as cloudfront.CfnResponseHeadersPolicy).overrideLogicalId('ManagerHeadersPolicy');
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
  // The open data: the origin's Cache-Control rules (a day for a month that is over, an hour for
  // the current one and the DCAT description), at most a day; nothing it does not mark is kept.
  // The key is the path, ?month and ?lang (an error's language), nothing else: no header, no cookie.
  const openDataCache = new cloudfront.CachePolicy(stack, 'OpenDataCachePolicy', {
    cachePolicyName: `${Aws.STACK_NAME}-open-data`,
    comment: "Prenota open data, as long as the origin's max-age (1 h or 1 day), at most 1 day",
    minTtl: Duration.seconds(0),
    defaultTtl: Duration.seconds(0),
    maxTtl: Duration.days(1),
    enableAcceptEncodingGzip: true,
    enableAcceptEncodingBrotli: true,
    headerBehavior: cloudfront.CacheHeaderBehavior.none(),
    cookieBehavior: cloudfront.CacheCookieBehavior.none(),
    queryStringBehavior: cloudfront.CacheQueryStringBehavior.allowList('month', 'lang'),
  });
  (openDataCache.node.defaultChild as cloudfront.CfnCachePolicy).overrideLogicalId('OpenDataCachePolicy');
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
      // Before /api/*: the open data, cached as the origin says, by month.
      '/api/open-data/*': {
        origin: apiOrigin,
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        allowedMethods: cloudfront.AllowedMethods.ALLOW_GET_HEAD,
        cachePolicy: openDataCache,
        responseHeadersPolicy: headers,
      },
      '/api/*': apiBehavior,
      '/c/*': apiBehavior,
      '/p/*': apiBehavior,
      '/w/*': apiBehavior,
      // The counter page: never cached, here or in the browser.
      '/sportello/*': {
        origin: siteOrigin,
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        cachePolicy: cloudfront.CachePolicy.CACHING_DISABLED,
        responseHeadersPolicy: staffHeaders,
        functionAssociations: rewrite,
      },
      // The managers' page (closures): never cached either.
      '/gestione/*': {
        origin: siteOrigin,
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        cachePolicy: cloudfront.CachePolicy.CACHING_DISABLED,
        responseHeadersPolicy: managerHeaders,
        functionAssociations: rewrite,
      },
      // The open data's page: the folder /open-data/ is its index.html.
      '/open-data/*': {
        origin: siteOrigin,
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        cachePolicy: cloudfront.CachePolicy.CACHING_OPTIMIZED,
        responseHeadersPolicy: headers,
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
export function createPublicUrlParameter(
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
