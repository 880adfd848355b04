"""The staff's half of the main stacks (docs/counter.md, docs/closures.md): each route's
authorization (the JWT authorizer of the staff user pool and its app client exactly on the staff
routes) and its own invoke permission; the user pool, its groups, domain and app client (called
back at each staff page) as docs/deploy.md says, the same in both stacks; the Cognito variables
of the functions marked "cognito"; CloudFront's display cache, /display/* rewrite and the staff
pages' headers (the counter's /sportello/, the managers' /gestione/)."""

import json
import re
import sys

from template_common import ROOT, only, problem, references, resources_of

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
# The staff's pages, each signing in through the hosted page and called back at its own address:
# the counter, and the managers' closures. {path: its headers' Permissions-Policy constant}.
STAFF_PAGES = {"/sportello/": "COUNTER_PERMISSIONS_POLICY", "/gestione/": "PERMISSIONS_POLICY"}
CACHING_DISABLED = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"


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
        pages = sorted(page for page in STAFF_PAGES for url in (urls if isinstance(urls, list) else [])
                       if f"{page}" in json.dumps(url) and {"Distribution", "DomainName"} <= references(url))
        if not isinstance(urls, list) or len(urls) != len(STAFF_PAGES) or pages != sorted(STAFF_PAGES):
            problem(where, f"app client {key} {client.get(key)} are not https://<site> + each of {sorted(STAFF_PAGES)}")
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
    for pattern in ("/display/*", *(page + "*" for page in STAFF_PAGES)):
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
    for page, permissions in STAFF_PAGES.items():
        check_staff_page(resources, by_pattern.get(page + "*", {}), page + "*", permissions, where)
    site = resources.get(next(iter(references(distribution.get("DistributionConfig", {}).get("DefaultCacheBehavior", {})
                                                   .get("ResponseHeadersPolicyId"))), ""), {})
    if header_value(site, "Permissions-Policy") != rust_const("PERMISSIONS_POLICY"):
        problem(where, "the site's Permissions-Policy is not src/headers.rs's PERMISSIONS_POLICY")


def check_staff_page(resources, behavior, pattern, permissions, where):
    """A staff page: never cached, here or in the browser; its Permissions-Policy the one-machine
    server's for it; its CSP lets its script reach the hosted sign-in's token endpoint."""
    if not behavior:
        return  # check_cloudfront has said it is missing
    if behavior.get("CachePolicyId") != CACHING_DISABLED:
        problem(where, f"{pattern} cached ({behavior.get('CachePolicyId')})")
    headers = resources.get(next(iter(references(behavior.get("ResponseHeadersPolicyId"))), ""), {})
    custom = headers.get("Properties", {}).get("ResponseHeadersPolicyConfig", {}).get("CustomHeadersConfig", {})
    if {"Header": "Cache-Control", "Value": "no-store", "Override": True} not in custom.get("Items", []):
        problem(where, f"{pattern} answers without Cache-Control: no-store")
    if header_value(headers, "Permissions-Policy") != rust_const(permissions):
        problem(where, f"{pattern}: the Permissions-Policy is not src/headers.rs's {permissions}")
    csp = json.dumps(headers.get("Properties", {}).get("ResponseHeadersPolicyConfig", {}).get("SecurityHeadersConfig", {})
                     .get("ContentSecurityPolicy", {}))
    if "amazoncognito.com" not in csp:
        problem(where, f"{pattern}: the CSP does not let the page reach the hosted sign-in's token endpoint")



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
