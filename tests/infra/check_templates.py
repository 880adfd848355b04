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

The staff's half (docs/counter.md, docs/closures.md): the routes of the one-machine server (function "server",
infra/functions.json "routes") have no integration; every route under /api/staff/ but the public
ones needs the JWT authorizer of the staff user pool and its app client, every other route none;
each route has its own invoke permission; the user pool, its groups, domain and app client are
as docs/deploy.md says, the same in both; the functions marked "cognito" get the pool's issuer,
client and domain, and no function any cognito-idp permission; CloudFront caches the display's
answer a second, serves /display/* as /display/index.html and never caches the staff pages (the
counter's /sportello/, the managers' /gestione/), each called back by the app client.

The statistics' half (docs/statistics.md): the schedules of infra/functions.json (the sender's
sweep and its hourly sample of the first free slots) with their inputs, and CloudFront's cache of
the open data (by ?month, as long as the origin says, at most a day) and its page /open-data/.

Usage: check_templates.py ROUTES_JSON SAM_TEMPLATE CDK_TEMPLATE SAM_WAF_TEMPLATE CDK_WAF_TEMPLATE
Exits non-zero with one line per problem."""

import json
import sys
from pathlib import Path

# The check modules next to this script; no __pycache__ left in the repository.
sys.dont_write_bytecode = True

from staff_checks import check_same_staff, check_staff, served_routes  # noqa: E402
from statistics_checks import check_open_data_cache, check_schedules  # noqa: E402
from template_common import ROOT, as_list, load, logical_id, problem, problems, tags_of  # noqa: E402
from waf_checks import check_waf_spec, check_waf_template  # noqa: E402

FUNCTION_TAG = "prenota:function"
STREAM_ACTIONS = {"dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator", "dynamodb:ListStreams"}


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


def check_route_behaviors(template, routes, where):
    """Every route of the table reaches the API through CloudFront: its first path segment has a
    behaviour (`/c/*`, `/p/*`, `/w/*`, `/api/*`) that allows its method; without one, the site's
    bucket would answer the link in a message with its own 403."""
    _, distribution = next(((lid, r.get("Properties", {})) for lid, r in template["Resources"].items()
                            if r.get("Type") == "AWS::CloudFront::Distribution"), (None, {}))
    behaviors = {b.get("PathPattern"): b for b in distribution.get("DistributionConfig", {}).get("CacheBehaviors", [])}
    for method, path, _ in sorted(routes):
        pattern = "/" + path.strip("/").split("/")[0] + "/*"
        behavior = behaviors.get(pattern)
        if behavior is None:
            problem(where, f"{method} {path}: no CloudFront behaviour {pattern} sends it to the API")
        elif method not in behavior.get("AllowedMethods", ["GET", "HEAD"]):
            problem(where, f"{method} {path}: the behaviour {pattern} does not allow {method}")


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
    check_route_behaviors(template, routes, where)
    check_table(template, definition, where)
    check_alarms(template, found, where)
    check_web_acl_attached(template, where)
    check_stage_throttle(template, where)
    check_staff(template, merged, spec, where)
    check_schedules(template, found, spec, where)
    check_open_data_cache(template, where)


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
    check_route_behaviors(template, routes, where)
    check_table(template, definition, where)
    check_alarms(template, found, where)
    check_web_acl_attached(template, where)
    check_stage_throttle(template, where)
    check_staff(template, found, spec, where)
    check_schedules(template, found, spec, where)
    check_open_data_cache(template, where)


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
          "pool and its client, the display's cache and the staff pages' headers, the schedules and the open data's "
          "cache as described")
    print(f"SAM and CDK web ACL: {len(waf['rateRules'])} rate rules over "
          f"{sum(len(r['routes']) for r in waf['rateRules'])} routes (every write route), "
          f"{len(waf['managedRuleGroups'])} managed rule groups, answers and logging as infra/waf.json")


if __name__ == "__main__":
    main()
