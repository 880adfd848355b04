"""Holds the SAM template and the CDK app's synthesized template to Prenota's own descriptions:
the route table (printed by `prenota routes`), the table definition (infra/dynamodb/table.json)
and the functions and their permissions (infra/functions.json). Least privilege is checked from
the templates alone: no `*` action or resource except `sns:Publish`, no managed policy. Every
function has its errors and throttles alarms, and the dead-letter queue, the failed messages and
the SMS spend theirs, each notifying someone. The API stage is throttled. Both stacks take the
same parameters, have the same rules, conditions and outputs, and attach the web ACL given in
WebAclArn to the distribution.

The web ACL stacks (infra/sam/waf.yaml and the CDK app's PrenotaWaf) are both held to
infra/waf.json: the same parameters, the same rules built from it (names, priorities, limits,
routes, managed rule groups, custom answers), logging of blocked requests only with the URI path
redacted, and every write route of the route table under a rate rule.

The staff's half (docs/counter.md): the routes of the one-machine server (function "server",
infra/functions.json "routes") have no integration; every route under /api/staff/ but the public
ones needs the JWT authorizer of the staff user pool and its app client, every other route none;
each route has its own invoke permission; the user pool, its groups, domain and app client are
as docs/deploy.md says, the same in both; the functions marked "cognito" get the pool's issuer,
client and domain, and no function any cognito-idp permission; CloudFront caches the display's
answer a second, serves /display/* as /display/index.html and never caches the counter page.

Usage: check_templates.py ROUTES_JSON SAM_TEMPLATE CDK_TEMPLATE SAM_WAF_TEMPLATE CDK_WAF_TEMPLATE
Exits non-zero with one line per problem."""

import json
import re
import sys
from pathlib import Path

from cfnlint.decode import decode

ROOT = Path(__file__).resolve().parents[2]
FUNCTION_TAG = "prenota:function"
STREAM_ACTIONS = {"dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator", "dynamodb:ListStreams"}

problems = []


def problem(where, text):
    problems.append(f"{where}: {text}")


def load(path):
    template, matches = decode(str(path))
    if matches:
        sys.exit(f"{path}: cannot be read: {matches}")
    return template


def as_list(value):
    return value if isinstance(value, list) else [value]


def tags_of(properties):
    tags = properties.get("Tags", {})
    if isinstance(tags, dict):
        return tags
    return {tag.get("Key"): tag.get("Value") for tag in tags}


def logical_id(reference):
    """The logical id named by a Ref or a GetAtt (`X.Arn` or [X, Arn])."""
    if isinstance(reference, dict):
        if "Ref" in reference:
            return reference["Ref"]
        if "Fn::GetAtt" in reference:
            target = reference["Fn::GetAtt"]
            return target[0] if isinstance(target, list) else target.split(".")[0]
    return None


def functions_of(template, kinds):
    """{function name: (logical id, properties)} by the prenota:function tag."""
    found = {}
    for name, resource in template.get("Resources", {}).items():
        if resource.get("Type") in kinds:
            properties = resource.get("Properties", {})
            tag = tags_of(properties).get(FUNCTION_TAG)
            if tag:
                found[tag] = (name, properties)
    return found


def statements_of_role(template, role_id, where):
    resources = template["Resources"]
    role = resources.get(role_id)
    if role is None or role.get("Type") != "AWS::IAM::Role":
        problem(where, f"its role {role_id} is not an AWS::IAM::Role of the template")
        return []
    if role["Properties"].get("ManagedPolicyArns"):
        problem(where, f"role {role_id} has managed policies {role['Properties']['ManagedPolicyArns']}: "
                       "their grants cannot be checked here (AWSLambdaBasicExecutionRole allows logs on *)")
    statements = []
    for policy in role["Properties"].get("Policies", []):
        statements += as_list(policy["PolicyDocument"]["Statement"])
    for resource in resources.values():
        if resource.get("Type") == "AWS::IAM::Policy":
            roles = [logical_id(r) for r in resource["Properties"].get("Roles", [])]
            if role_id in roles:
                statements += as_list(resource["Properties"]["PolicyDocument"]["Statement"])
    return statements


def check_statements(statements, spec, where):
    allowed_dynamodb = {f"dynamodb:{action}" for action in spec["dynamodb"]}
    if spec.get("stream"):
        allowed_dynamodb |= STREAM_ACTIONS
    granted_dynamodb = set()
    for statement in statements:
        if statement.get("Effect", "Allow") != "Allow":
            continue
        actions = as_list(statement.get("Action", []))
        resources = as_list(statement.get("Resource", []))
        for action in actions:
            if not isinstance(action, str) or action == "*" or action.endswith(":*"):
                problem(where, f"wildcard action {action!r}")
            elif action.startswith("dynamodb:"):
                granted_dynamodb.add(action)
        if "*" in resources and actions != ["sns:Publish"]:
            problem(where, f"resource * for {actions} (only sns:Publish may have it)")
        for action in actions:
            service = action.split(":")[0] if isinstance(action, str) else ""
            if service == "cognito-idp":
                problem(where, f"{action} granted: the JWT authorizer hands the staff functions their claims")
            if service in {"ses", "sns", "scheduler", "iam"} and not spec.get(
                {"ses": "ses", "sns": "sns", "scheduler": "scheduler", "iam": "scheduler"}[service]
            ):
                problem(where, f"{action} granted to a function that sends no {service} request")
    if granted_dynamodb != allowed_dynamodb:
        problem(where, f"DynamoDB actions {sorted(granted_dynamodb)} differ from infra/functions.json "
                       f"{sorted(allowed_dynamodb)}")


def check_table(template, definition, where):
    tables = [r for r in template["Resources"].values() if r.get("Type") == "AWS::DynamoDB::Table"]
    if len(tables) != 1:
        problem(where, f"{len(tables)} DynamoDB tables; one expected")
        return
    table = tables[0]["Properties"]
    for key in ("KeySchema", "BillingMode"):
        if table.get(key) != definition[key]:
            problem(where, f"table {key} {table.get(key)} differs from table.json {definition[key]}")
    if sorted(map(json.dumps, table.get("AttributeDefinitions", []))) != sorted(
        map(json.dumps, definition["AttributeDefinitions"])
    ):
        problem(where, "table AttributeDefinitions differ from table.json")
    indexes = {i["IndexName"]: (i["KeySchema"], i["Projection"]) for i in table.get("GlobalSecondaryIndexes", [])}
    expected = {i["IndexName"]: (i["KeySchema"], i["Projection"]) for i in definition["GlobalSecondaryIndexes"]}
    if indexes != expected:
        problem(where, f"GSIs {indexes} differ from table.json {expected}")
    ttl = table.get("TimeToLiveSpecification", {})
    if (ttl.get("AttributeName"), ttl.get("Enabled")) != ("ttl", True):
        problem(where, f"TTL {ttl} is not enabled on ttl")
    if table.get("StreamSpecification", {}).get("StreamViewType") != definition["StreamSpecification"]["StreamViewType"]:
        problem(where, "stream view type differs from table.json")
    if not table.get("PointInTimeRecoverySpecification", {}).get("PointInTimeRecoveryEnabled"):
        problem(where, "point-in-time recovery is off")
    if not table.get("DeletionProtectionEnabled"):
        problem(where, "deletion protection is off")


def check_functions(found, spec, where):
    if set(found) != set(spec["functions"]):
        problem(where, f"functions {sorted(found)} differ from infra/functions.json {sorted(spec['functions'])}")
    for name, (_, properties) in found.items():
        wanted = spec["functions"].get(name, {})
        here = f"{where} {name}"
        if properties.get("Architectures") != [spec["architecture"]]:
            problem(here, f"architectures {properties.get('Architectures')}")
        if properties.get("Runtime") != spec["runtime"]:
            problem(here, f"runtime {properties.get('Runtime')}")
        for key, field in (("memory", "MemorySize"), ("timeout", "Timeout")):
            if wanted and properties.get(field) != wanted[key]:
                problem(here, f"{field} {properties.get(field)} differs from infra/functions.json {wanted[key]}")


def check_alarms(template, found, where):
    """An alarm on Errors and one on Throttles per function, one on the dead-letter queue and one on
    the failed-message metric; each with an action (an alarm nobody hears is no alarm)."""
    alarms = [r["Properties"] for r in template["Resources"].values() if r.get("Type") == "AWS::CloudWatch::Alarm"]
    for alarm in alarms:
        if not alarm.get("AlarmActions"):
            problem(where, f"alarm on {alarm.get('Namespace')} {alarm.get('MetricName')} notifies nobody")
    watched = set()
    for alarm in alarms:
        for dimension in alarm.get("Dimensions", []):
            if alarm.get("Namespace") == "AWS/Lambda" and dimension.get("Name") == "FunctionName":
                watched.add((logical_id(dimension.get("Value")), alarm.get("MetricName")))
    for name, (lid, _) in found.items():
        for metric in ("Errors", "Throttles"):
            if (lid, metric) not in watched:
                problem(f"{where} {name}", f"no alarm on its {metric}")
    metrics = {(alarm.get("Namespace"), alarm.get("MetricName")) for alarm in alarms}
    for wanted in (
        ("AWS/SQS", "ApproximateNumberOfMessagesVisible"),
        ("Prenota", "MessagesFailed"),
        ("AWS/SNS", "SMSMonthToDateSpentUSD"),
    ):
        if wanted not in metrics:
            problem(where, f"no alarm on {wanted[0]} {wanted[1]}")
    for alarm in alarms:
        if (alarm.get("Namespace"), alarm.get("MetricName")) == ("AWS/SNS", "SMSMonthToDateSpentUSD"):
            if alarm.get("Threshold") != {"Ref": "SmsSpendAlarmThreshold"} or alarm.get("Statistic") != "Maximum":
                problem(where, "the SMS spend alarm is not the Maximum of the month's spend against SmsSpendAlarmThreshold")


def check_web_acl_attached(template, where):
    """The distribution takes the web ACL of the WebAclArn parameter when it is given."""
    conditions = template.get("Conditions", {})
    if conditions.get("HasWebAcl") != {"Fn::Not": [{"Fn::Equals": [{"Ref": "WebAclArn"}, ""]}]}:
        problem(where, "no condition HasWebAcl (WebAclArn given)")
    distributions = [r["Properties"] for r in template["Resources"].values()
                     if r.get("Type") == "AWS::CloudFront::Distribution"]
    for distribution in distributions:
        acl = distribution.get("DistributionConfig", {}).get("WebACLId")
        if acl != {"Fn::If": ["HasWebAcl", {"Ref": "WebAclArn"}, {"Ref": "AWS::NoValue"}]}:
            problem(where, f"the distribution's WebACLId is {acl}, not WebAclArn when given")


def check_stage_throttle(template, where):
    """The HTTP API's stage throttles every route by default, writes included."""
    settings = []
    for resource in template["Resources"].values():
        if resource.get("Type") == "AWS::Serverless::HttpApi":
            settings.append(resource["Properties"].get("DefaultRouteSettings", {}))
        elif resource.get("Type") == "AWS::ApiGatewayV2::Stage":
            settings.append(resource["Properties"].get("DefaultRouteSettings", {}))
    throttles = [(s.get("ThrottlingRateLimit"), s.get("ThrottlingBurstLimit")) for s in settings]
    if throttles != [(100, 200)]:
        problem(where, f"the API stage's default route throttle is {throttles}, not [(100, 200)] (infra/README.md)")


def check_sam(template, routes, definition, spec):
    where = "SAM"
    found = functions_of(template, {"AWS::Serverless::Function"})
    # Globals may carry runtime and architecture.
    global_function = template.get("Globals", {}).get("Function", {})
    merged = {name: (lid, {**global_function, **props}) for name, (lid, props) in found.items()}
    check_functions(merged, spec, where)
    served = served_routes(template, {lid: name for name, (lid, _) in found.items()}, spec, where)
    for name, (lid, properties) in found.items():
        for event in properties.get("Events", {}).values():
            if event.get("Type") == "HttpApi":
                problem(f"{where} {name}", "an HttpApi event: SAM would write it into the API's body (infra/sam/routes.py "
                                           "writes the routes, the staff authorizer needs them apart)")
        if "Policies" in properties:
            problem(f"{where} {name}", "SAM's Policies give the role AWSLambdaBasicExecutionRole (logs on *): "
                                       "give the function an explicit Role")
        role_id = logical_id(properties.get("Role"))
        if role_id:
            check_statements(statements_of_role(template, role_id, f"{where} {name}"),
                             spec["functions"].get(name, {"dynamodb": []}), f"{where} {name}")
    if served != routes:
        report_routes(where, served, routes)
        problem(where, "its routes are not the route table's: run infra/sam/routes.py (it rewrites them from the table)")
    check_table(template, definition, where)
    check_alarms(template, found, where)
    check_web_acl_attached(template, where)
    check_stage_throttle(template, where)
    check_staff(template, merged, spec, where)


def check_cdk(template, routes, definition, spec):
    where = "CDK"
    resources = template["Resources"]
    found = functions_of(template, {"AWS::Lambda::Function"})
    check_functions(found, spec, where)
    name_of_logical = {lid: name for name, (lid, _) in found.items()}
    for name, (lid, properties) in found.items():
        role_id = logical_id(properties.get("Role"))
        check_statements(statements_of_role(template, role_id, f"{where} {name}"),
                         spec["functions"].get(name, {"dynamodb": []}), f"{where} {name}")
    served = served_routes(template, name_of_logical, spec, where)
    if served != routes:
        report_routes(where, served, routes)
    check_table(template, definition, where)
    check_alarms(template, found, where)
    check_web_acl_attached(template, where)
    check_stage_throttle(template, where)
    check_staff(template, found, spec, where)


def references(value):
    """Every logical id a value names: Ref, GetAtt, and ${Id} or ${Id.Attr} inside Fn::Sub."""
    found = set()
    if isinstance(value, dict):
        if "Ref" in value:
            found.add(value["Ref"])
        if "Fn::GetAtt" in value:
            target = value["Fn::GetAtt"]
            found.add(target[0] if isinstance(target, list) else target.split(".")[0])
        if "Fn::Sub" in value:
            text = value["Fn::Sub"] if isinstance(value["Fn::Sub"], str) else value["Fn::Sub"][0]
            found |= {name.split(".")[0] for name in re.findall(r"\$\{([^}!]+)\}", text)}
        for inner in value.values():
            found |= references(inner)
    elif isinstance(value, list):
        for inner in value:
            found |= references(inner)
    return found


def needs_token(method, path, spec):
    rules = spec["routes"]
    return path.startswith(rules["jwtPrefix"]) and f"{method} {path}" not in rules["public"]


def served_routes(template, name_of_logical, spec, where):
    """{(method, path, function)} of the template's AWS::ApiGatewayV2::Route resources, each checked
    for its authorization (the staff authorizer exactly where needed) and its own invoke
    permission (this method and path only, path parameters as *)."""
    resources = template["Resources"]
    permissions = [r["Properties"] for r in resources.values() if r.get("Type") == "AWS::Lambda::Permission"]
    served = set()
    for resource in resources.values():
        if resource.get("Type") != "AWS::ApiGatewayV2::Route":
            continue
        properties = resource["Properties"]
        method, path = properties["RouteKey"].split(" ", 1)
        integrations = [i for i in references(properties.get("Target"))
                        if resources.get(i, {}).get("Type") == "AWS::ApiGatewayV2::Integration"]
        function_ids = references(resources[integrations[0]]["Properties"].get("IntegrationUri")) if integrations else set()
        function = next((name_of_logical[f] for f in function_ids if f in name_of_logical), None)
        served.add((method, path, function))
        here = f"{where} route {method} {path}"
        if needs_token(method, path, spec):
            authorizers = [a for a in references(properties.get("AuthorizerId"))
                           if resources.get(a, {}).get("Type") == "AWS::ApiGatewayV2::Authorizer"]
            if properties.get("AuthorizationType") != "JWT" or len(authorizers) != 1:
                problem(here, "a staff route without the JWT authorizer")
            else:
                check_authorizer(template, resources[authorizers[0]]["Properties"], f"{where} authorizer")
        elif properties.get("AuthorizationType", "NONE") != "NONE" or properties.get("AuthorizerId"):
            problem(here, f"authorization {properties.get('AuthorizationType')} on a public route")
        function_id = next((f for f in function_ids if f in name_of_logical), None)
        arn_tail = f"/*/{method}{re.sub(r'{[^}]+}', '*', path)}"
        if not any(function_id in references(p.get("FunctionName")) and f'{arn_tail}"' in json.dumps(p.get("SourceArn"))
                   for p in permissions):
            problem(here, f"no invoke permission of its function limited to {arn_tail}")
    return served


def check_authorizer(template, authorizer, where):
    resources = template["Resources"]
    config = authorizer.get("JwtConfiguration", {})
    pools = {lid for lid, r in resources.items() if r.get("Type") == "AWS::Cognito::UserPool"}
    clients = {lid for lid, r in resources.items() if r.get("Type") == "AWS::Cognito::UserPoolClient"}
    issuer = json.dumps(config.get("Issuer"))
    if (authorizer.get("AuthorizerType") != "JWT" or not references(config.get("Issuer")) & pools
            or "https://cognito-idp." not in issuer):
        problem(where, f"issuer {config.get('Issuer')} is not the staff user pool's")
    if {c for a in config.get("Audience", []) for c in references(a)} != clients or len(config.get("Audience", [])) != 1:
        problem(where, f"audience {config.get('Audience')} is not the counter's app client")
    if authorizer.get("IdentitySource") != ["$request.header.Authorization"]:
        problem(where, f"identity source {authorizer.get('IdentitySource')}")


# What docs/deploy.md ("Staff sign-in on AWS") promises of the pool and its client, in both stacks.
USER_POOL = {
    "UsernameAttributes": ["email"],
    "AdminCreateUserConfig": {"AllowAdminCreateUserOnly": True},
    "MfaConfiguration": "OPTIONAL",
    "EnabledMfas": ["SOFTWARE_TOKEN_MFA"],
    "UserPoolTier": "ESSENTIALS",
}
USER_POOL_CLIENT = {
    "GenerateSecret": False,
    "AllowedOAuthFlowsUserPoolClient": True,
    "AllowedOAuthFlows": ["code"],
    "AllowedOAuthScopes": ["openid", "email", "profile"],
    "ExplicitAuthFlows": ["ALLOW_REFRESH_TOKEN_AUTH"],
    "IdTokenValidity": 1,
    "RefreshTokenValidity": 10,
    "SupportedIdentityProviders": ["COGNITO"],
}
COGNITO_VARIABLES = {"PRENOTA_COGNITO_ISSUER", "PRENOTA_COGNITO_CLIENT_ID", "PRENOTA_COGNITO_DOMAIN"}
CACHING_DISABLED = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"


def only(template, kind, where):
    found = resources_of(template, kind)
    if len(found) != 1:
        problem(where, f"{len(found)} {kind}; one expected")
        return None, {}
    lid, resource = next(iter(found.items()))
    return lid, resource.get("Properties", {})


def check_staff(template, found, spec, where):
    """The user pool, its groups, domain and client; the staff functions' variables; CloudFront."""
    pool_id, pool = only(template, "AWS::Cognito::UserPool", where)
    for key, value in USER_POOL.items():
        if pool.get(key) != value:
            problem(where, f"user pool {key} is {pool.get(key)}, not {value}")
    password = pool.get("Policies", {}).get("PasswordPolicy", {})
    if password.get("MinimumLength", 0) < 12:
        problem(where, f"user pool passwords of {password.get('MinimumLength')} characters: 12 at least")
    offices = [a for a in pool.get("Schema", []) if a.get("Name") == "offices"]
    if len(offices) != 1 or offices[0].get("AttributeDataType") != "String":
        problem(where, "user pool without the string attribute custom:offices")
    groups = {g["Properties"].get("GroupName") for g in resources_of(template, "AWS::Cognito::UserPoolGroup").values()
              if pool_id in references(g["Properties"].get("UserPoolId"))}
    if groups != {"operator", "manager", "admin"}:
        problem(where, f"user pool groups {sorted(groups)}, not admin, manager, operator")
    _, domain = only(template, "AWS::Cognito::UserPoolDomain", where)
    if domain.get("Domain") != {"Ref": "StaffLoginDomainPrefix"}:
        problem(where, f"hosted sign-in domain {domain.get('Domain')}, not the parameter StaffLoginDomainPrefix")
    client_id, client = only(template, "AWS::Cognito::UserPoolClient", where)
    for key, value in USER_POOL_CLIENT.items():
        if client.get(key) != value:
            problem(where, f"app client {key} is {client.get(key)}, not {value}")
    if client.get("TokenValidityUnits", {}).get("IdToken") != "hours" or client.get("TokenValidityUnits", {}).get("RefreshToken") != "hours":
        problem(where, f"app client token validity units {client.get('TokenValidityUnits')}, not hours")
    if "custom:offices" in client.get("WriteAttributes", ["custom:offices"]) or "custom:offices" not in client.get("ReadAttributes", []):
        problem(where, "the app client must read custom:offices and not write it (WriteAttributes, absent: all)")
    for key in ("CallbackURLs", "LogoutURLs"):
        urls = client.get(key)
        if (not isinstance(urls, list) or len(urls) != 1 or "/sportello/" not in json.dumps(urls)
                or not {"Distribution", "DomainName"} <= references(urls)):
            problem(where, f"app client {key} {client.get(key)} are not https://<site>/sportello/")
    for name, (_, properties) in found.items():
        variables = set(properties.get("Environment", {}).get("Variables", {}))
        wanted = bool(spec["functions"].get(name, {}).get("cognito"))
        if wanted and not COGNITO_VARIABLES <= variables:
            problem(f"{where} {name}", f"lacks {sorted(COGNITO_VARIABLES - variables)}")
        if not wanted and COGNITO_VARIABLES & variables:
            problem(f"{where} {name}", "has the Cognito variables but is not marked cognito in functions.json")
        if wanted:
            client_ref = properties["Environment"]["Variables"]["PRENOTA_COGNITO_CLIENT_ID"]
            if client_id not in references(client_ref):
                problem(f"{where} {name}", f"PRENOTA_COGNITO_CLIENT_ID {client_ref} is not the app client")
    check_cloudfront(template, where)


def rust_const(name):
    """A string constant of src/headers.rs: the one-machine server's headers, which the stacks'
    CloudFront policies must match."""
    found = re.search(rf'pub const {name}: &str =\s*"([^"]*)";', (ROOT / "src/headers.rs").read_text())
    if not found:
        sys.exit(f"src/headers.rs has no string constant {name}")
    return found.group(1)


def header_value(policy, name):
    """The value of a custom header of a response headers policy, or None."""
    items = policy.get("Properties", {}).get("ResponseHeadersPolicyConfig", {}).get("CustomHeadersConfig", {})
    return next((item.get("Value") for item in items.get("Items", []) if item.get("Header") == name), None)


def check_cloudfront(template, where):
    _, distribution = only(template, "AWS::CloudFront::Distribution", where)
    behaviors = distribution.get("DistributionConfig", {}).get("CacheBehaviors", [])
    patterns = [b.get("PathPattern") for b in behaviors]
    by_pattern = dict(zip(patterns, behaviors))
    resources = template["Resources"]
    display = by_pattern.get("/api/offices/*/display")
    if display is None or "/api/*" not in patterns or patterns.index("/api/offices/*/display") > patterns.index("/api/*"):
        problem(where, f"no behaviour /api/offices/*/display before /api/* (behaviours {patterns})")
    else:
        policy = resources.get(next(iter(references(display.get("CachePolicyId"))), ""), {})
        config = policy.get("Properties", {}).get("CachePolicyConfig", {})
        ttls = (config.get("MinTTL"), config.get("DefaultTTL"), config.get("MaxTTL"))
        if ttls != (0, 1, 2):
            problem(where, f"the display's cache policy TTLs (min, default, max) are {ttls}, not (0, 1, 2)")
        if display.get("AllowedMethods") not in (["GET", "HEAD"], None):
            problem(where, "the display's behaviour allows more than GET and HEAD")
    for pattern in ("/display/*", "/sportello/*"):
        behavior = by_pattern.get(pattern)
        if behavior is None:
            problem(where, f"no behaviour {pattern}")
            continue
        functions = [references(a.get("FunctionARN")) for a in behavior.get("FunctionAssociations", [])
                     if a.get("EventType") == "viewer-request"]
        code = "".join(resources.get(f, {}).get("Properties", {}).get("FunctionCode", "")
                       for ids in functions for f in ids)
        if "'/display/index.html'" not in code:
            problem(where, f"{pattern}: no viewer-request function rewriting /display/* to /display/index.html")
    sportello = by_pattern.get("/sportello/*", {})
    if sportello and sportello.get("CachePolicyId") != CACHING_DISABLED:
        problem(where, f"/sportello/* cached ({sportello.get('CachePolicyId')})")
    headers = resources.get(next(iter(references(sportello.get("ResponseHeadersPolicyId"))), ""), {})
    custom = headers.get("Properties", {}).get("ResponseHeadersPolicyConfig", {}).get("CustomHeadersConfig", {})
    if sportello and {"Header": "Cache-Control", "Value": "no-store", "Override": True} not in custom.get("Items", []):
        problem(where, "/sportello/* answers without Cache-Control: no-store")
    if sportello and header_value(headers, "Permissions-Policy") != rust_const("COUNTER_PERMISSIONS_POLICY"):
        problem(where, "/sportello/*: the Permissions-Policy is not src/headers.rs's COUNTER_PERMISSIONS_POLICY")
    site = resources.get(next(iter(references(distribution.get("DistributionConfig", {}).get("DefaultCacheBehavior", {})
                                                   .get("ResponseHeadersPolicyId"))), ""), {})
    if header_value(site, "Permissions-Policy") != rust_const("PERMISSIONS_POLICY"):
        problem(where, "the site's Permissions-Policy is not src/headers.rs's PERMISSIONS_POLICY")
    csp = json.dumps(headers.get("Properties", {}).get("ResponseHeadersPolicyConfig", {}).get("SecurityHeadersConfig", {})
                     .get("ContentSecurityPolicy", {}))
    if sportello and "amazoncognito.com" not in csp:
        problem(where, "/sportello/*: the CSP does not let the page reach the hosted sign-in's token endpoint")


def check_same_parameters(sam, cdk, where="SAM and CDK"):
    """The two stacks take the same parameters, with the same defaults, patterns and descriptions,
    so the deploy guide's table holds for both (CDK adds its own BootstrapVersion), the same
    rules and conditions (CDK adds its CheckBootstrapVersion), and the same outputs, named and
    described alike."""
    sam_parameters = sam.get("Parameters", {})
    cdk_parameters = {k: v for k, v in cdk.get("Parameters", {}).items() if k != "BootstrapVersion"}
    for name in sorted(set(sam_parameters) | set(cdk_parameters)):
        if sam_parameters.get(name) != cdk_parameters.get(name):
            problem(where, f"parameter {name} differs: {sam_parameters.get(name)} against {cdk_parameters.get(name)}")
    sam_rules = sam.get("Rules", {})
    cdk_rules = {k: v for k, v in cdk.get("Rules", {}).items() if k != "CheckBootstrapVersion"}
    for name in sorted(set(sam_rules) | set(cdk_rules)):
        if sam_rules.get(name) != cdk_rules.get(name):
            problem(where, f"rule {name} differs: {sam_rules.get(name)} against {cdk_rules.get(name)}")
    for name in sorted(set(sam.get("Conditions", {})) | set(cdk.get("Conditions", {}))):
        if sam.get("Conditions", {}).get(name) != cdk.get("Conditions", {}).get(name):
            problem(where, f"condition {name} differs")
    sam_outputs = {k: v.get("Description") for k, v in sam.get("Outputs", {}).items()}
    cdk_outputs = {k: v.get("Description") for k, v in cdk.get("Outputs", {}).items()}
    if sam_outputs != cdk_outputs:
        problem(where, f"outputs differ: {sam_outputs} against {cdk_outputs}")


def check_same_staff(sam, cdk, where="SAM and CDK"):
    """The user pool, its groups and the app client are the same in both stacks (but for the
    intrinsic functions that name the stack, the pool and the site)."""
    def props(template, kind, drop):
        return [{k: v for k, v in r.get("Properties", {}).items() if k not in drop}
                for r in resources_of(template, kind).values()]
    for kind, drop in (("AWS::Cognito::UserPool", {"UserPoolName"}),
                       ("AWS::Cognito::UserPoolClient", {"UserPoolId", "CallbackURLs", "LogoutURLs"}),
                       ("AWS::Cognito::UserPoolGroup", {"UserPoolId"}),
                       ("AWS::Cognito::UserPoolDomain", {"UserPoolId"})):
        ours, theirs = props(sam, kind, drop), props(cdk, kind, drop)
        def canonical(items):
            return sorted(json.dumps(item, sort_keys=True) for item in items)
        if canonical(ours) != canonical(theirs):
            problem(where, f"{kind} differs: {ours} against {theirs}")


# --------------------------------------------------------------------------------------------
# The web ACL (infra/waf.json)

REQUIRED_MANAGED_GROUPS = {
    "AWSManagedRulesCommonRuleSet",
    "AWSManagedRulesKnownBadInputsRuleSet",
    "AWSManagedRulesAmazonIpReputationList",
}
WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
LOWEST_RATE_LIMIT = 10


def path_regex(path):
    """A route's path as its rule's expression: the path literally, each {param} one segment
    (the same as pathRegex in infra/cdk/lib/specs.ts)."""
    def literal(text):
        return re.sub(r"([.*+?^${}()|\[\]\\])", r"\\\1", text)

    parts = re.split(r"(\{[^}]+\})", path)
    return "^" + "".join("[^/]+" if re.fullmatch(r"\{[^}]+\}", part) else literal(part) for part in parts) + "$"


def route_statement(route):
    method, path = route.split(" ", 1)
    return {"AndStatement": {"Statements": [
        {"ByteMatchStatement": {
            "FieldToMatch": {"Method": {}},
            "PositionalConstraint": "EXACTLY",
            "SearchString": method,
            "TextTransformations": [{"Priority": 0, "Type": "NONE"}],
        }},
        {"RegexMatchStatement": {
            "FieldToMatch": {"UriPath": {}},
            "RegexString": path_regex(path),
            "TextTransformations": [{"Priority": 0, "Type": "URL_DECODE"}],
        }},
    ]}}


def visibility(metric):
    return {"SampledRequestsEnabled": True, "CloudWatchMetricsEnabled": True, "MetricName": metric}


def expected_rules(waf):
    """{rule name: rule} as infra/waf.json describes them."""
    rules = {}
    for rule in waf["rateRules"]:
        statements = [route_statement(route) for route in rule["routes"]]
        rules[rule["name"]] = {
            "Name": rule["name"],
            "Priority": rule["priority"],
            "Action": {"Block": {"CustomResponse": {
                "ResponseCode": waf["blockedStatus"],
                "CustomResponseBodyKey": rule["response"],
                "ResponseHeaders": [{"Name": "Retry-After", "Value": str(waf["evaluationWindowSec"])}],
            }}},
            "Statement": {"RateBasedStatement": {
                "Limit": {"Ref": rule["limit"]},
                "EvaluationWindowSec": waf["evaluationWindowSec"],
                "AggregateKeyType": "IP",
                "ScopeDownStatement": statements[0] if len(statements) == 1 else {"OrStatement": {"Statements": statements}},
            }},
            "VisibilityConfig": visibility(rule["name"]),
        }
    for group in waf["managedRuleGroups"]:
        statement = {"VendorName": "AWS", "Name": group["name"]}
        if group.get("countRules"):
            statement["RuleActionOverrides"] = [{"Name": name, "ActionToUse": {"Count": {}}}
                                                for name in group["countRules"]]
        rules[group["name"]] = {
            "Name": group["name"],
            "Priority": group["priority"],
            "OverrideAction": {"None": {}},
            "Statement": {"ManagedRuleGroupStatement": statement},
            "VisibilityConfig": visibility(group["name"]),
        }
    return rules


def check_waf_spec(waf, routes):
    """infra/waf.json itself: its routes are the route table's, every write route is rate
    limited, each managed group the issue asks for is there, each answer is the API's problem."""
    where = "infra/waf.json"
    table = {f"{method} {path}" for method, path, _ in routes}
    limited = set()
    for rule in waf["rateRules"]:
        for route in rule["routes"]:
            if route not in table:
                problem(where, f"rule {rule['name']}: route {route!r} is not in the route table")
            limited.add(route)
        if rule["limit"] not in waf["parameters"] or rule["response"] not in waf["responses"]:
            problem(where, f"rule {rule['name']}: unknown parameter {rule['limit']} or response {rule['response']}")
    for method, path, _ in sorted(routes):
        if method in WRITE_METHODS and f"{method} {path}" not in limited:
            problem(where, f"write route {(method, path)} is under no rate rule")
    names = {group["name"] for group in waf["managedRuleGroups"]}
    for missing in sorted(REQUIRED_MANAGED_GROUPS - names):
        problem(where, f"managed rule group {missing} is missing")
    priorities = [r["priority"] for r in waf["rateRules"]] + [g["priority"] for g in waf["managedRuleGroups"]]
    if len(priorities) != len(set(priorities)):
        problem(where, f"rule priorities {priorities} are not unique")
    for name, parameter in waf["parameters"].items():
        if parameter["default"] < LOWEST_RATE_LIMIT:
            problem(where, f"parameter {name}: WAF's lowest rate limit is {LOWEST_RATE_LIMIT}")
    for key, response in waf["responses"].items():
        if response["contentType"] != "APPLICATION_JSON":
            continue
        body = response["json"]
        expected = {"type": "urn:prenota:problem:too_many_requests", "title": "Too Many Requests",
                    "status": waf["blockedStatus"], "code": "too_many_requests"}
        if {k: body.get(k) for k in expected} != expected or not body.get("detail"):
            problem(where, f"response {key} is not the API's too_many_requests problem: {body}")
    if waf["logging"]["keep"] != "BLOCK" or "UriPath" not in waf["logging"]["redacted"]:
        problem(where, "logging must keep blocked requests only and redact the URI path (booking codes)")
    if {"SingleHeader": {"Name": "authorization"}} not in waf["logging"]["redacted"]:
        problem(where, "logging must redact the authorization header (the staff's ID tokens)")


def resources_of(template, kind):
    return {lid: r for lid, r in template.get("Resources", {}).items() if r.get("Type") == kind}


def check_waf_template(template, waf, where):
    acls = resources_of(template, "AWS::WAFv2::WebACL")
    if len(acls) != 1:
        problem(where, f"{len(acls)} web ACLs; one expected")
        return
    acl_id, acl = next(iter(acls.items()))
    properties = acl["Properties"]
    fixed = {
        "Name": {"Ref": "AWS::StackName"},
        "Description": waf["aclDescription"],
        "Scope": waf["scope"],
        "DefaultAction": {"Allow": {}},
        "VisibilityConfig": visibility(waf["metricName"]),
    }
    for key, value in fixed.items():
        if properties.get(key) != value:
            problem(where, f"web ACL {key} is {properties.get(key)}, not {value}")
    bodies = properties.get("CustomResponseBodies", {})
    if set(bodies) != set(waf["responses"]):
        problem(where, f"custom response bodies {sorted(bodies)} differ from infra/waf.json {sorted(waf['responses'])}")
    for key, response in waf["responses"].items():
        body = bodies.get(key, {})
        content = body.get("Content", "")
        if response["contentType"] == "APPLICATION_JSON":
            try:
                same = json.loads(content) == response["json"]
            except ValueError:
                same = False
        else:
            same = content == response["text"]
        if body.get("ContentType") != response["contentType"] or not same:
            problem(where, f"custom response body {key} differs from infra/waf.json")
    found = {rule.get("Name"): rule for rule in properties.get("Rules", [])}
    wanted = expected_rules(waf)
    for name in sorted(set(found) | set(wanted)):
        if name not in found:
            problem(where, f"WAF rule {name} of infra/waf.json is missing")
        elif name not in wanted:
            problem(where, f"WAF rule {name} is not in infra/waf.json")
        elif found[name] != wanted[name]:
            problem(where, f"WAF rule {name} differs from infra/waf.json: {json.dumps(found[name])}")
    parameters = {k: v for k, v in template.get("Parameters", {}).items() if k != "BootstrapVersion"}
    expected_parameters = {
        name: {"Type": "Number", "Default": p["default"], "MinValue": LOWEST_RATE_LIMIT, "Description": p["description"]}
        for name, p in waf["parameters"].items()
    }
    if parameters != expected_parameters:
        problem(where, f"parameters {parameters} differ from infra/waf.json")
    outputs = template.get("Outputs", {})
    if outputs.get("WebAclArn", {}).get("Value") != {"Fn::GetAtt": [acl_id, "Arn"]}:
        problem(where, "no output WebAclArn with the web ACL's ARN")
    check_waf_logging(template, acl_id, waf, where)


def check_waf_logging(template, acl_id, waf, where):
    configs = list(resources_of(template, "AWS::WAFv2::LoggingConfiguration").values())
    groups = resources_of(template, "AWS::Logs::LogGroup")
    if len(configs) != 1 or len(groups) != 1:
        problem(where, f"{len(configs)} logging configurations and {len(groups)} log groups; one of each expected")
        return
    config = configs[0]["Properties"]
    group_id, group = next(iter(groups.items()))
    if config.get("ResourceArn") != {"Fn::GetAtt": [acl_id, "Arn"]}:
        problem(where, "the logging configuration is not the web ACL's")
    destinations = json.dumps(config.get("LogDestinationConfigs"))
    if f'{{"Ref": "{group_id}"}}' not in destinations and f"${{{group_id}}}" not in destinations:
        problem(where, f"the logs do not go to {group_id} by its name (its Arn attribute ends in :*, which WAF refuses)")
    name = group["Properties"].get("LogGroupName")
    text = name.get("Fn::Sub", "") if isinstance(name, dict) and "Fn::Sub" in name else (
        name["Fn::Join"][1][0] if isinstance(name, dict) and "Fn::Join" in name else name)
    if not isinstance(text, str) or not text.startswith("aws-waf-logs-"):
        problem(where, f"log group name {name} does not start with aws-waf-logs- (WAF refuses it)")
    if group["Properties"].get("RetentionInDays") != waf["logging"]["retentionDays"]:
        problem(where, f"WAF logs kept {group['Properties'].get('RetentionInDays')} days, not {waf['logging']['retentionDays']}")
    wanted_filter = {"DefaultBehavior": "DROP", "Filters": [{
        "Behavior": "KEEP", "Requirement": "MEETS_ANY",
        "Conditions": [{"ActionCondition": {"Action": waf["logging"]["keep"]}}],
    }]}
    if config.get("LoggingFilter") != wanted_filter:
        problem(where, f"the logging filter {config.get('LoggingFilter')} keeps more than {waf['logging']['keep']}")
    if config.get("RedactedFields") != [{field: {}} if isinstance(field, str) else field for field in waf["logging"]["redacted"]]:
        problem(where, f"redacted fields {config.get('RedactedFields')} differ from infra/waf.json")


def report_routes(where, served, routes):
    for route in sorted(routes - served, key=str):
        problem(where, f"route {route} of the route table is missing or goes elsewhere")
    for route in sorted(served - routes, key=str):
        problem(where, f"route {route} is not in the route table")


def main():
    if len(sys.argv) != 6:
        sys.exit(__doc__)
    routes_path, sam_path, cdk_path, sam_waf_path, cdk_waf_path = sys.argv[1:6]
    spec = json.loads((ROOT / "infra/functions.json").read_text())
    table = json.loads(Path(routes_path).read_text())
    # The one-machine server's own routes (password sign-in, the display's server-sent events) are
    # not on AWS: Cognito signs staff in, and the display polls its cached answer.
    one_machine = {(r["method"], r["path"]) for r in table if r["function"] == spec["routes"]["oneMachine"]}
    routes = {(r["method"], r["path"], r["function"]) for r in table if r["function"] != spec["routes"]["oneMachine"]}
    definition = json.loads((ROOT / "infra/dynamodb/table.json").read_text())
    waf = json.loads((ROOT / "infra/waf.json").read_text())
    sam, cdk = load(sam_path), load(cdk_path)
    sam_waf, cdk_waf = load(sam_waf_path), load(cdk_waf_path)
    check_sam(sam, routes, definition, spec)
    check_cdk(cdk, routes, definition, spec)
    check_same_parameters(sam, cdk)
    check_same_staff(sam, cdk)
    check_waf_spec(waf, routes)
    check_waf_template(sam_waf, waf, "SAM web ACL")
    check_waf_template(cdk_waf, waf, "CDK web ACL")
    check_same_parameters(sam_waf, cdk_waf, "SAM and CDK web ACL")
    for line in problems:
        print(line)
    if problems:
        sys.exit(f"{len(problems)} problem(s) in the templates")
    print(f"SAM and CDK: {len(routes)} routes ({len(one_machine)} of the one-machine server left out), the staff "
          f"authorizer where needed, the table, {len(spec['functions'])} functions' permissions and alarms, the user "
          "pool and its client, the display's cache and the counter page's headers as described")
    print(f"SAM and CDK web ACL: {len(waf['rateRules'])} rate rules over "
          f"{sum(len(r['routes']) for r in waf['rateRules'])} routes (every write route), "
          f"{len(waf['managedRuleGroups'])} managed rule groups, answers and logging as infra/waf.json")


if __name__ == "__main__":
    main()
