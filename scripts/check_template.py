"""Checks of template.yaml that cfn-lint cannot make, run by scripts/test:

- every route of openapi.json reaches, through API Gateway's route selection, the function whose
  router serves it, for its own methods and for every other method too (so a wrong method gets
  that function's 405 and its Allow header, not another function's answer);
- every schedule is named after the stack (two stacks in one account and region must not collide).
"""

import json
import sys

from cfnlint.decode import decode

# The route group (OpenAPI tag) each function serves.
FUNCTION_OF_TAG = {
    "templates": "TemplatesFunction",
    "workflows": "WorkflowsFunction",
    "directory": "DirectoryFunction",
    "tenants": "TenantsFunction",
    "audit": "TenantsFunction",
    "jobs": "TenantsFunction",
    "users": "TenantsFunction",
    "webhooks": "WebhooksFunction",
}
METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"]


def segments(path):
    return [part for part in path.split("/") if part]


def matches(route_path, path):
    """Whether an HTTP API route path matches a concrete (or templated) request path."""
    route, asked = segments(route_path), segments(path)
    if route and route[-1].endswith("+}"):
        prefix = route[:-1]
        return len(asked) > len(prefix) and all(
            part.startswith("{") or part == segment for part, segment in zip(prefix, asked)
        )
    return len(route) == len(asked) and all(
        part.startswith("{") or part == segment for part, segment in zip(route, asked)
    )


def select(routes, method, path):
    """API Gateway's choice: an exact method beats ANY, a non-greedy path beats a greedy one, more
    literal segments beat fewer."""
    candidates = [r for r in routes if r[1] in (method, "ANY") and matches(r[0], path)]
    if not candidates:
        return None

    def rank(route):
        route_path, route_method, _ = route
        parts = segments(route_path)
        greedy = bool(parts) and parts[-1].endswith("+}")
        literal = sum(1 for part in parts if not part.startswith("{"))
        return (not greedy, literal, route_method != "ANY")

    return max(candidates, key=rank)[2]


def main():
    template, problems = decode("template.yaml")
    if problems:
        sys.exit(f"template.yaml does not parse: {problems}")
    routes, failures = [], []
    for name, resource in template["Resources"].items():
        if resource["Type"] != "AWS::Serverless::Function":
            continue
        for event_name, event in resource["Properties"].get("Events", {}).items():
            properties = event["Properties"]
            if event["Type"] == "HttpApi":
                routes.append((properties["Path"], properties["Method"].upper(), name))
            elif event["Type"] == "ScheduleV2":
                schedule_name = properties.get("Name")
                if not (isinstance(schedule_name, dict) and "${AWS::StackName}" in schedule_name.get("Fn::Sub", "")):
                    failures.append(f"{name}.{event_name}: the schedule is not named after the stack")
    document = json.load(open("openapi.json"))
    for path, item in document["paths"].items():
        operations = {method.upper(): operation for method, operation in item.items() if method.upper() in METHODS}
        tags = {tag for operation in operations.values() for tag in operation.get("tags", [])}
        owners = {FUNCTION_OF_TAG[tag] for tag in tags if tag in FUNCTION_OF_TAG}
        if len(owners) != 1:
            failures.append(f"{path}: served by {sorted(tags)}, expected one known route group")
            continue
        owner = owners.pop()
        for method in METHODS:
            chosen = select(routes, method, path)
            if method in operations and chosen != owner:
                failures.append(f"{method} {path} reaches {chosen}, not {owner}")
            elif method not in operations and chosen not in (None, owner):
                failures.append(f"{method} {path} (not allowed) reaches {chosen}, not {owner}'s 405")
    for failure in failures:
        print(f"template.yaml: {failure}", file=sys.stderr)
    if failures:
        sys.exit(1)
    print(f"template.yaml: {len(document['paths'])} documented paths route to their functions; schedules are named after the stack")


main()
