"""The statistics' half of the main stacks (docs/statistics.md): the schedules that invoke a
function (infra/functions.json "sweep" and "sample": the sender's sweep with {} and its hourly
sample of the first free slots), and CloudFront's open data — /api/open-data/* cached as the
origin says, at most a day, keyed by the path, ?month and ?lang only, before /api/*; the page
/open-data/ served as its folder's index.html."""

import json

from template_common import only, problem, references, resources_of

# What each schedule of functions.json sends the function it invokes (functions/lambda/src/sender.rs).
SCHEDULE_INPUTS = {"sweep": {}, "sample": {"task": "sample-first-free"}}
ONE_DAY = 86400


def check_schedules(template, found, spec, where):
    """Exactly the schedules of functions.json, each invoking its function with its input; `found`
    is {function name: (logical id, properties)}."""
    name_of_logical = {lid: name for name, (lid, _) in found.items()}
    wanted = {(name, function[key], json.dumps(SCHEDULE_INPUTS[key], sort_keys=True))
              for name, function in spec["functions"].items() for key in SCHEDULE_INPUTS if key in function}
    made = set()
    for lid, resource in resources_of(template, "AWS::Scheduler::Schedule").items():
        properties = resource.get("Properties", {})
        target = properties.get("Target", {})
        names = [name_of_logical[r] for r in references(target.get("Arn")) if r in name_of_logical]
        try:
            sent = json.dumps(json.loads(target.get("Input", "null")), sort_keys=True)
        except (TypeError, ValueError):
            sent = repr(target.get("Input"))
        made.add((names[0] if names else lid, properties.get("ScheduleExpression"), sent))
    for missing in sorted(wanted - made):
        problem(where, f"no schedule {missing[1]} invoking {missing[0]} with {missing[2]} (infra/functions.json)")
    for extra in sorted(made - wanted):
        problem(where, f"schedule {extra[1]} invoking {extra[0]} with {extra[2]} is not in infra/functions.json")


def check_open_data_cache(template, where):
    _, distribution = only(template, "AWS::CloudFront::Distribution", where)
    behaviors = distribution.get("DistributionConfig", {}).get("CacheBehaviors", [])
    patterns = [b.get("PathPattern") for b in behaviors]
    by_pattern = dict(zip(patterns, behaviors))
    resources = template["Resources"]
    api = by_pattern.get("/api/open-data/*")
    if api is None or "/api/*" not in patterns or patterns.index("/api/open-data/*") > patterns.index("/api/*"):
        problem(where, f"no behaviour /api/open-data/* before /api/* (behaviours {patterns})")
    else:
        if api.get("AllowedMethods") not in (["GET", "HEAD"], None):
            problem(where, "the open data's behaviour allows more than GET and HEAD")
        policy = resources.get(next(iter(references(api.get("CachePolicyId"))), ""), {})
        config = policy.get("Properties", {}).get("CachePolicyConfig", {})
        ttls = (config.get("MinTTL"), config.get("DefaultTTL"), config.get("MaxTTL"))
        if ttls != (0, 0, ONE_DAY):
            problem(where, f"the open data's cache policy TTLs (min, default, max) are {ttls}, not (0, 0, {ONE_DAY}): "
                           "the origin's Cache-Control, at most a day, nothing unmarked")
        key = config.get("ParametersInCacheKeyAndForwardedToOrigin", {})
        queries = key.get("QueryStringsConfig", {})
        if (queries.get("QueryStringBehavior"), queries.get("QueryStrings")) != ("whitelist", ["month", "lang"]):
            problem(where, f"the open data's cache key has query strings {queries}, not ?month and ?lang")
        if (key.get("HeadersConfig", {}).get("HeaderBehavior"), key.get("CookiesConfig", {}).get("CookieBehavior")) != (
            "none", "none"
        ):
            problem(where, "the open data's cache key has headers or cookies: one copy per month is the point")
    page = by_pattern.get("/open-data/*")
    code = "".join(resources.get(f, {}).get("Properties", {}).get("FunctionCode", "")
                   for association in (page or {}).get("FunctionAssociations", [])
                   if association.get("EventType") == "viewer-request"
                   for f in references(association.get("FunctionARN")))
    if "+= 'index.html'" not in code:
        problem(where, "/open-data/*: no behaviour whose viewer-request function serves the folder's index.html")
