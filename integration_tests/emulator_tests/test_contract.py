"""The emulator against Twilio's OpenAPI contract: its routes, parameters and page limits."""
from __future__ import annotations

import json
from pathlib import Path

from integration_tests.emulator.listing import FilterSpec
from integration_tests.emulator.routes import ROUTES, Route

SPECS = Path(__file__).resolve().parents[2] / "reference" / "twilio-api" / "specs"
# emulator product (and API version) -> the vendored OpenAPI spec that defines it
SPEC_OF = {
    ("api", "2010-04-01"): "twilio_api_v2010.json", ("monitor", "v1"): "twilio_monitor_v1.json",
    ("conversations", "v1"): "twilio_conversations_v1.json", ("chat", "v2"): "twilio_chat_v2.json",
    ("studio", "v2"): "twilio_studio_v2.json", ("verify", "v2"): "twilio_verify_v2.json",
    ("messaging", "v1"): "twilio_messaging_v1.json", ("trunking", "v1"): "twilio_trunking_v1.json",
    ("events", "v1"): "twilio_events_v1.json", ("insights", "v1"): "twilio_insights_v1.json",
    ("pricing", "v1"): "twilio_pricing_v1.json", ("pricing", "v2"): "twilio_pricing_v2.json",
    ("taskrouter", "v1"): "twilio_taskrouter_v1.json", ("intelligence", "v2"): "twilio_intelligence_v2.json",
}
_SPEC_CACHE: dict = {}


def _spec_paths(file: str) -> dict:
    if file not in _SPEC_CACHE:
        _SPEC_CACHE[file] = json.loads((SPECS / file).read_text())["paths"]
    return _SPEC_CACHE[file]


def contract_problems(route) -> list[str]:
    """Where a route departs from Twilio's OpenAPI spec (empty: it follows it)."""
    version = route.path.strip("/").split("/", 1)[0]
    file = SPEC_OF.get((route.product, version))
    if file is None:
        return [f"{route.product}{route.path}: no vendored spec for product {route.product!r} {version}"]
    op = _spec_paths(file).get(route.path, {}).get("get")
    if op is None:
        return [f"{route.product}{route.path}: not a GET path of {file}"]
    spec_params = {p["name"]: p for p in op.get("parameters", []) if p.get("in") == "query"}
    problems = [f"{route.product}{route.path}: accepts {name!r}, which {file} does not define"
                for name in route.params if name not in spec_params]
    if route.kind in ("list", "accounts", "numbers"):
        if "PageSize" not in route.params:
            problems.append(f"{route.product}{route.path}: a list that does not page")
        elif route.max_page_size != spec_params["PageSize"]["schema"]["maximum"]:
            problems.append(f"{route.product}{route.path}: PageSize maximum {route.max_page_size}, "
                            f"spec says {spec_params['PageSize']['schema']['maximum']}")
    return problems


def test_routes_follow_the_openapi_contract():
    """Every route is a GET path of its product's vendored spec, accepts only that path's query parameters, and pages with its PageSize maximum."""
    assert len(ROUTES) >= 50
    problems = [p for r in ROUTES for p in contract_problems(r)]
    assert problems == []
    maxima = {(r.product, r.path): r.max_page_size for r in ROUTES}
    assert maxima[("conversations", "/v1/Users")] == 50 and maxima[("chat", "/v2/Services")] == 100
    assert maxima[("api", "/2010-04-01/Accounts/{AccountSid}/Messages.json")] == 1000
    # the check bites: a path, a filter or a page size Twilio does not have is reported
    fake = [Route("conversations", "/v1/Nope", "users"),
            Route("studio", "/v2/Flows/{FlowSid}/Executions", "executions", filters=[FilterSpec("Status", "status")]),
            Route("monitor", "/v1/Alerts", "alerts", filters=[FilterSpec("DateCreated>", "date_created", "ge", "time")])]
    fake.append(Route("conversations", "/v1/Users", "users"))
    fake[-1].max_page_size = 1000
    assert [len(contract_problems(r)) for r in fake] == [1, 1, 1, 1]
