// The three descriptions the stack is built from (infra/README.md), read at synth time:
// infra/functions.json, infra/dynamodb/table.json and the route table that
// `cargo run -- routes` prints. Nothing of them is copied into this app.

import * as fs from 'fs';

/** One entry of infra/functions.json. */
export interface FunctionSpec {
  readonly memory: number;
  readonly timeout: number;
  readonly dynamodb: string[];
  readonly index: boolean;
  readonly ses?: boolean;
  readonly sns?: boolean;
  readonly scheduler?: boolean;
  readonly stream?: boolean;
  /** A schedule expression: invoked with `{}`, the sender delivers what is still pending. */
  readonly sweep?: string;
  /**
   * A schedule expression: invoked with `{"task": "sample-first-free"}`, the sender samples each
   * service's first free slot for the statistics.
   */
  readonly sample?: string;
  /** Gets the staff user pool's issuer, app client and sign-in domain (PRENOTA_COGNITO_*). */
  readonly cognito?: boolean;
}

/** infra/functions.json "routes": what is not on AWS, and what needs a staff token. */
export interface RouteRules {
  /** The `function` of the one-machine server's own routes: no integration on AWS. */
  readonly oneMachine: string;
  /** Paths under it need the staff's ID token (the JWT authorizer)... */
  readonly jwtPrefix: string;
  /** ...but these (`METHOD /path`). */
  readonly public: string[];
}

/** infra/functions.json. */
export interface FunctionsFile {
  readonly runtime: string;
  readonly architecture: string;
  readonly functions: Record<string, FunctionSpec>;
  readonly routes: RouteRules;
}

/** One entry of the route table (`cargo run -- routes`). */
export interface Route {
  readonly method: string;
  readonly path: string;
  readonly endpoint: string;
  readonly function: string;
}

/** One rate-based rule of infra/waf.json. */
export interface WafRateRule {
  readonly name: string;
  readonly priority: number;
  /** The stack parameter holding its limit (requests per evaluation window per IP). */
  readonly limit: string;
  /** The key of its answer in `responses`. */
  readonly response: string;
  /** Routes of the route table, `METHOD /path`. */
  readonly routes: string[];
}

/** infra/waf.json: the web ACL in front of CloudFront (built in us-east-1). */
export interface WafSpec {
  readonly scope: string;
  readonly metricName: string;
  readonly aclDescription: string;
  readonly evaluationWindowSec: number;
  readonly blockedStatus: number;
  readonly parameters: Record<string, { readonly default: number; readonly description: string }>;
  readonly responses: Record<string, { readonly contentType: string; readonly json?: unknown; readonly text?: string }>;
  readonly rateRules: WafRateRule[];
  /** AWS managed rule groups; `countRules`: rules of the group that only count, never block. */
  readonly managedRuleGroups: Array<{ readonly name: string; readonly priority: number; readonly countRules?: string[] }>;
  /** Redacted fields: `UriPath`, `QueryString`, or `{ SingleHeader: { Name } }`. */
  readonly logging: {
    readonly retentionDays: number;
    readonly keep: string;
    readonly redacted: Array<string | { readonly SingleHeader?: { readonly Name: string } }>;
  };
}

/** Everything the stacks are built from. */
export interface Specs {
  readonly functions: FunctionsFile;
  /** infra/dynamodb/table.json: CloudFormation AWS::DynamoDB::Table properties. */
  readonly table: Record<string, unknown>;
  readonly routes: Route[];
  /** The folder holding `<name>/bootstrap.zip` for every function (cargo-lambda's output). */
  readonly lambdaDir: string;
  readonly waf: WafSpec;
}

function readJson(file: string, what: string): unknown {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new Error(`${what}: cannot read ${file}: ${(error as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new Error(`${what}: ${file} is not JSON: ${(error as Error).message}`);
  }
}

function readFunctions(file: string): FunctionsFile {
  const parsed = readJson(file, 'functions') as FunctionsFile;
  if (parsed.runtime !== 'provided.al2023' || parsed.architecture !== 'arm64') {
    throw new Error(`${file}: this app builds provided.al2023 on arm64, not ${parsed.runtime} on ${parsed.architecture}`);
  }
  for (const [name, spec] of Object.entries(parsed.functions ?? {})) {
    if (!Number.isInteger(spec.memory) || !Number.isInteger(spec.timeout) || !Array.isArray(spec.dynamodb)) {
      throw new Error(`${file}: function ${name} needs integer memory and timeout and a dynamodb list`);
    }
  }
  if (Object.keys(parsed.functions ?? {}).length === 0) {
    throw new Error(`${file}: no functions`);
  }
  const rules = parsed.routes;
  if (!rules || typeof rules.oneMachine !== 'string' || typeof rules.jwtPrefix !== 'string' || !Array.isArray(rules.public)) {
    throw new Error(`${file}: "routes" needs oneMachine, jwtPrefix and public`);
  }
  return parsed;
}

/**
 * The routes on AWS: the route table but the one-machine server's own (functions.json
 * routes.oneMachine: password sign-in, the display's server-sent events), checked.
 */
function readRoutes(file: string, functions: FunctionsFile): Route[] {
  const parsed = readJson(
    file,
    'routes (write it with `cargo run -- routes > target/routes.json`, or pass -c routes=PATH)',
  );
  if (!Array.isArray(parsed) || parsed.length === 0) {
    throw new Error(`${file}: the route table must be a non-empty JSON array`);
  }
  const seen = new Set<string>();
  const onAws = (parsed as Route[]).filter((route) => route.function !== functions.routes.oneMachine);
  for (const route of onAws) {
    if (!route.method || !route.path || !route.function) {
      throw new Error(`${file}: every route needs method, path and function: ${JSON.stringify(route)}`);
    }
    if (!(route.function in functions.functions)) {
      throw new Error(`${file}: route ${route.method} ${route.path} names function ${route.function}, absent from functions.json`);
    }
    const key = `${route.method} ${route.path}`;
    if (seen.has(key)) {
      throw new Error(`${file}: route ${key} appears twice`);
    }
    seen.add(key);
  }
  return onAws;
}

/**
 * infra/waf.json, checked against itself and the route table: each rule's parameter and answer
 * exist, each route is one of the table, and every write route is under a rate rule.
 */
function readWaf(file: string, routes: Route[]): WafSpec {
  const waf = readJson(file, 'waf') as WafSpec;
  const known = new Set(routes.map((route) => `${route.method} ${route.path}`));
  const limited = new Set<string>();
  for (const rule of waf.rateRules ?? []) {
    if (!(rule.limit in (waf.parameters ?? {})) || !(rule.response in (waf.responses ?? {}))) {
      throw new Error(`${file}: rule ${rule.name} names an unknown parameter ${rule.limit} or response ${rule.response}`);
    }
    for (const route of rule.routes) {
      if (!known.has(route)) {
        throw new Error(`${file}: rule ${rule.name}: route ${route} is not in the route table`);
      }
      limited.add(route);
    }
  }
  const unlimited = [...known].filter((route) => !route.startsWith('GET ') && !limited.has(route));
  if (unlimited.length > 0) {
    throw new Error(`${file}: write routes under no rate rule: ${unlimited.join(', ')}`);
  }
  return waf;
}

/**
 * A route's path as the regular expression its rule matches on the (URL-decoded) URI path: the
 * path literally, each `{param}` one segment. AWS WAF takes no capturing groups, none is made.
 * tests/infra/check_templates.py makes the same expression the same way.
 */
export function pathRegex(path: string): string {
  const literal = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return `^${path
    .split(/(\{[^}]+\})/)
    .map((part) => (/^\{[^}]+\}$/.test(part) ? '[^/]+' : literal(part)))
    .join('')}$`;
}

/** Reads and checks the descriptions; any problem stops the synth with the file named. */
export function readSpecs(paths: {
  functions: string;
  table: string;
  routes: string;
  lambdaDir: string;
  waf: string;
}): Specs {
  const functions = readFunctions(paths.functions);
  const table = readJson(paths.table, 'table') as Record<string, unknown>;
  const routes = readRoutes(paths.routes, functions);
  const waf = readWaf(paths.waf, routes);
  for (const name of Object.keys(functions.functions)) {
    const zip = `${paths.lambdaDir}/${name}/bootstrap.zip`;
    if (!fs.existsSync(zip)) {
      throw new Error(
        `${zip} is missing: build the Lambdas with cargo-lambda (target/lambda-zips/<name>/bootstrap.zip) or pass -c lambdaDir=PATH`,
      );
    }
  }
  return { functions, table, routes, lambdaDir: paths.lambdaDir, waf };
}

/**
 * table.json holds CloudFormation property names (`KeySchema`, `AttributeName`); CfnTable takes
 * the same names in camelCase. `Description` is documentation, not a property.
 */
export function cfnToCdkProps(value: unknown): unknown {
  if (Array.isArray(value)) {
    return value.map(cfnToCdkProps);
  }
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(value as Record<string, unknown>)) {
      if (key === 'Description') {
        continue;
      }
      out[key.charAt(0).toLowerCase() + key.slice(1)] = cfnToCdkProps(inner);
    }
    return out;
  }
  return value;
}

/** `my-bookings` → `MyBookings`, for logical ids. */
export function pascal(name: string): string {
  return name
    .split(/[^A-Za-z0-9]+/)
    .filter((part) => part.length > 0)
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');
}

/** Whether a route needs the staff's ID token (functions.json "routes"; infra/sam/routes.py decides alike). */
export function needsToken(route: Route, rules: RouteRules): boolean {
  return route.path.startsWith(rules.jwtPrefix) && !rules.public.includes(`${route.method} ${route.path}`);
}
