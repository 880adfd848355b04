#!/usr/bin/env python3
"""Writes the HTTP API's routes into infra/sam/template.yaml from the route table, between the
lines `# >>> routes` and `# <<< routes`: one AWS::ApiGatewayV2::Integration per function (payload
2.0), and per route its AWS::ApiGatewayV2::Route and the AWS::Lambda::Permission that lets this
route, and only it, invoke the function. The CDK app makes the same from the same table at synth
time (infra/cdk/lib/http-api.ts, addRoutes).

What infra/functions.json says under "routes" applies: a route of the one-machine server
(`oneMachine`, "server") gets nothing; a route under `jwtPrefix` ("/api/staff/") but the `public`
ones needs a staff ID token (AuthorizationType JWT, the authorizer StaffAuthorizer).

Usage: infra/sam/routes.py [ROUTES_JSON]   (without it: `cargo run --quiet -- routes`)
tests/infra/check then holds the template to the table: run this after a route changes.
"""

import json
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = ROOT / "infra/sam/template.yaml"
BEGIN = "  # >>> routes"
END = "  # <<< routes"


def pascal(name):
    """`my-bookings` → `MyBookings`, `/api/holds/{hold_id}` → `ApiHoldsHoldId` (as specs.ts)."""
    return "".join(part[:1].upper() + part[1:] for part in re.split(r"[^A-Za-z0-9]+", name) if part)


def needs_token(route, rules):
    key = f"{route['method']} {route['path']}"
    return route["path"].startswith(rules["jwtPrefix"]) and key not in rules["public"]


def block(routes, spec):
    rules = spec["routes"]
    served = [r for r in routes if r["function"] != rules["oneMachine"]]
    unknown = sorted({r["function"] for r in served} - set(spec["functions"]))
    if unknown:
        sys.exit(f"the route table names functions absent from infra/functions.json: {unknown}")
    lines = [
        f"{BEGIN} (written by infra/sam/routes.py from the route table: do not edit by hand)",
        "  # One integration per function, one route and one invoke permission per route of the table;",
        f"  # the routes of the one-machine server (function \"{rules['oneMachine']}\") are not here.",
    ]
    functions = sorted({r["function"] for r in served}, key=list(spec["functions"]).index)
    for function in functions:
        fid = pascal(function)
        lines += [
            f"  {fid}Integration:",
            "    Type: AWS::ApiGatewayV2::Integration",
            "    Properties:",
            "      ApiId: !Ref Api",
            "      IntegrationType: AWS_PROXY",
            f"      IntegrationUri: !GetAtt {fid}Function.Arn",
            "      PayloadFormatVersion: \"2.0\"",
            "",
        ]
    for route in served:
        method, path = route["method"].upper(), route["path"]
        rid = f"Route{pascal(method.lower())}{pascal(path)}"
        fid = pascal(route["function"])
        lines += [
            f"  {rid}:",
            "    Type: AWS::ApiGatewayV2::Route",
            "    Properties:",
            "      ApiId: !Ref Api",
            f"      RouteKey: {method} {path}",
            f"      Target: !Sub integrations/${{{fid}Integration}}",
        ]
        if needs_token(route, rules):
            lines += ["      AuthorizationType: JWT", "      AuthorizerId: !Ref StaffAuthorizer"]
        else:
            lines += ["      AuthorizationType: NONE"]
        source = re.sub(r"\{[^}]+\}", "*", path)
        lines += [
            "",
            f"  {rid}Permission:",
            "    Type: AWS::Lambda::Permission",
            "    Properties:",
            "      Action: lambda:InvokeFunction",
            f"      FunctionName: !Ref {fid}Function",
            "      Principal: apigateway.amazonaws.com",
            f"      SourceArn: !Sub arn:${{AWS::Partition}}:execute-api:${{AWS::Region}}:${{AWS::AccountId}}:${{Api}}/*/{method}{source}",
            "",
        ]
    lines.append(END)
    return "\n".join(lines)


def main():
    if len(sys.argv) > 2:
        sys.exit(__doc__)
    if len(sys.argv) == 2:
        routes = json.loads(Path(sys.argv[1]).read_text())
    else:
        routes = json.loads(subprocess.run(["cargo", "run", "--quiet", "--", "routes"], cwd=ROOT, check=True,
                                           capture_output=True, text=True).stdout)
    spec = json.loads((ROOT / "infra/functions.json").read_text())
    text = TEMPLATE.read_text()
    start, end = text.find(BEGIN), text.find(END)
    if start < 0 or end < start:
        sys.exit(f"{TEMPLATE}: no '{BEGIN}' ... '{END}' block")
    TEMPLATE.write_text(text[:start] + block(routes, spec) + text[end + len(END):])
    print(f"{TEMPLATE.relative_to(ROOT)}: {sum(r['function'] != spec['routes']['oneMachine'] for r in routes)} routes")


if __name__ == "__main__":
    main()
