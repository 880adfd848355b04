"""Holds the SAM template and the CDK app's synthesized template to Prenota's own descriptions:
the route table (printed by `prenota routes`), the table definition (infra/dynamodb/table.json)
and the functions and their permissions (infra/functions.json). Least privilege is checked from
the templates alone: no `*` action or resource except `sns:Publish`, no managed policy. Every
function has its errors and throttles alarms, and the dead-letter queue and the failed messages
theirs, each notifying someone. Both stacks take the same parameters.

Usage: check_templates.py ROUTES_JSON SAM_TEMPLATE CDK_TEMPLATE
Exits non-zero with one line per problem."""

import json
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
    for wanted in (("AWS/SQS", "ApproximateNumberOfMessagesVisible"), ("Prenota", "MessagesFailed")):
        if wanted not in metrics:
            problem(where, f"no alarm on {wanted[0]} {wanted[1]}")


def check_sam(template, routes, definition, spec):
    where = "SAM"
    found = functions_of(template, {"AWS::Serverless::Function"})
    # Globals may carry runtime and architecture.
    global_function = template.get("Globals", {}).get("Function", {})
    merged = {name: (lid, {**global_function, **props}) for name, (lid, props) in found.items()}
    check_functions(merged, spec, where)
    served = set()
    for name, (lid, properties) in found.items():
        for event in properties.get("Events", {}).values():
            if event.get("Type") == "HttpApi":
                served.add((event["Properties"]["Method"].upper(), event["Properties"]["Path"], name))
        if "Policies" in properties:
            problem(f"{where} {name}", "SAM's Policies give the role AWSLambdaBasicExecutionRole (logs on *): "
                                       "give the function an explicit Role")
        role_id = logical_id(properties.get("Role"))
        if role_id:
            check_statements(statements_of_role(template, role_id, f"{where} {name}"),
                             spec["functions"].get(name, {"dynamodb": []}), f"{where} {name}")
    if served != routes:
        report_routes(where, served, routes)
    check_table(template, definition, where)
    check_alarms(template, found, where)


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
    served = set()
    for lid, resource in resources.items():
        if resource.get("Type") != "AWS::ApiGatewayV2::Route":
            continue
        method, path = resource["Properties"]["RouteKey"].split(" ", 1)
        target = json.dumps(resource["Properties"].get("Target"))
        integration = next((i for i, r in resources.items()
                            if r.get("Type") == "AWS::ApiGatewayV2::Integration" and f'"{i}"' in target), None)
        uri = json.dumps(resources.get(integration, {}).get("Properties", {}).get("IntegrationUri"))
        function = next((name for flid, name in name_of_logical.items() if f'"{flid}' in uri), None)
        served.add((method, path, function))
    if served != routes:
        report_routes(where, served, routes)
    check_table(template, definition, where)
    check_alarms(template, found, where)


def check_same_parameters(sam, cdk):
    """The two stacks take the same parameters, with the same defaults, patterns and descriptions,
    so the deploy guide's table holds for both (CDK adds its own BootstrapVersion)."""
    sam_parameters = sam.get("Parameters", {})
    cdk_parameters = {k: v for k, v in cdk.get("Parameters", {}).items() if k != "BootstrapVersion"}
    for name in sorted(set(sam_parameters) | set(cdk_parameters)):
        if sam_parameters.get(name) != cdk_parameters.get(name):
            problem("SAM and CDK", f"parameter {name} differs: {sam_parameters.get(name)} against {cdk_parameters.get(name)}")


def report_routes(where, served, routes):
    for route in sorted(routes - served, key=str):
        problem(where, f"route {route} of the route table is missing or goes elsewhere")
    for route in sorted(served - routes, key=str):
        problem(where, f"route {route} is not in the route table")


def main():
    routes_path, sam_path, cdk_path = sys.argv[1:4]
    routes = {(r["method"], r["path"], r["function"]) for r in json.loads(Path(routes_path).read_text())}
    definition = json.loads((ROOT / "infra/dynamodb/table.json").read_text())
    spec = json.loads((ROOT / "infra/functions.json").read_text())
    sam, cdk = load(sam_path), load(cdk_path)
    check_sam(sam, routes, definition, spec)
    check_cdk(cdk, routes, definition, spec)
    check_same_parameters(sam, cdk)
    for line in problems:
        print(line)
    if problems:
        sys.exit(f"{len(problems)} problem(s) in the templates")
    print(f"SAM and CDK: {len(routes)} routes, the table, {len(spec['functions'])} functions' permissions and alarms as described")


if __name__ == "__main__":
    main()
