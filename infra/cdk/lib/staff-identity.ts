// Staff sign-in: Amazon Cognito (the same L1 properties as infra/sam/template.yaml), the user pool,
// its groups, its hosted sign-in domain, the counter page's app client and the JWT authorizer.

import { Aws, Fn, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import { Parameters, publicUrl } from './parameters';

/** `https://cognito-idp.<region>.amazonaws.com/<pool id>`, the tokens' `iss`. */
export function issuerOf(pool: cognito.CfnUserPool): string {
  return Fn.join('', ['https://cognito-idp.', Aws.REGION, '.amazonaws.com/', pool.ref]);
}

/**
 * The staff's user pool (accounts made by an administrator only, the e-mail as user name, roles
 * as groups, offices in custom:offices), its groups and its hosted sign-in domain. Retained with
 * the stack's deletion, as the table.
 */
export function createStaffIdentity(stack: Stack, params: Parameters): { pool: cognito.CfnUserPool; signInUrl: string } {
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
 * The staff pages' app client: public (no secret), authorization code (the page sends PKCE S256),
 * ID token 1 h, refresh 10 h, called back at https://<site>/sportello/ (the counter) and
 * https://<site>/gestione/ (the managers' closures), each page at its own address; it reads
 * custom:offices and cannot write it.
 */
export function createStaffClient(
  stack: Stack,
  pool: cognito.CfnUserPool,
  distribution: cloudfront.Distribution,
  params: Parameters,
): cognito.CfnUserPoolClient {
  const staffPages = ['/sportello/', '/gestione/'].map((page) => Fn.join('', [publicUrl(distribution, params), page]));
  const client = new cognito.CfnUserPoolClient(stack, 'StaffUserPoolClient', {
    userPoolId: pool.ref,
    clientName: 'counter',
    generateSecret: false,
    allowedOAuthFlowsUserPoolClient: true,
    allowedOAuthFlows: ['code'],
    allowedOAuthScopes: ['openid', 'email', 'profile'],
    supportedIdentityProviders: ['COGNITO'],
    callbackUrLs: staffPages,
    logoutUrLs: staffPages,
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
export function staffAuthorizer(pool: cognito.CfnUserPool, client: cognito.CfnUserPoolClient): HttpJwtAuthorizer {
  return new HttpJwtAuthorizer('StaffAuthorizer', issuerOf(pool), {
    authorizerName: 'staff-id-token',
    jwtAudience: [client.ref],
    identitySource: ['$request.header.Authorization'],
  });
}
