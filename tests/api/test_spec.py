"""The contract: a valid OpenAPI 3.1 document, covering every API route, that changes only
on purpose. After a deliberate change, regenerate the snapshot with

    .venv/bin/python -m tests.api.test_spec

and commit tests/api/openapi.snapshot.json with the code that changed it.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from flask import Flask
from openapi_spec_validator import validate

SNAPSHOT = Path(__file__).with_name("openapi.snapshot.json")
METHODS = {"get", "post", "put", "delete", "patch"}


def render(spec: dict[str, Any]) -> str:
    return json.dumps(spec, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def _spec(app: Flask) -> dict[str, Any]:
    response = app.test_client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.get_json()  # type: ignore[no-any-return]


def test_spec_is_valid_openapi_3_1(app: Flask) -> None:
    spec = _spec(app)
    assert spec["openapi"] == "3.1.0"
    validate(spec)
    operations = sum(len(METHODS & ops.keys()) for ops in spec["paths"].values())
    print(f"\nOpenAPI: {len(spec['paths'])} paths, {operations} operations")


def test_every_api_route_is_documented(app: Flask) -> None:
    spec = _spec(app)
    documented = {(re.sub(r"\{(\w+)\}", r"<\1>", path), method.upper())
                  for path, ops in spec["paths"].items() for method in METHODS & ops.keys()}
    routed = {(re.sub(r"<(?:\w+:)?(\w+)>", r"<\1>", rule.rule), method)
              for rule in app.url_map.iter_rules() if rule.rule.startswith("/api/v1/")
              and rule.endpoint.startswith("api_") and not rule.endpoint.startswith("api_docs")
              for method in (rule.methods or set()) - {"HEAD", "OPTIONS"}}
    assert routed == documented


def test_errors_are_documented_as_problems(app: Flask) -> None:
    spec = _spec(app)
    for path, ops in spec["paths"].items():
        for method in METHODS & ops.keys():
            for status, response in ops[method]["responses"].items():
                if "$ref" in response:
                    response = spec["components"]["responses"][response["$ref"].split("/")[-1]]
                if status.startswith(("4", "5")) or status == "default":
                    assert set(response["content"]) == {"application/problem+json"}, (
                        method, path, status)


def test_spec_matches_the_committed_snapshot(app: Flask) -> None:
    current = render(_spec(app))
    assert SNAPSHOT.exists(), "no snapshot: run python -m tests.api.test_spec"
    assert current == SNAPSHOT.read_text(encoding="utf-8"), (
        "the API contract changed: if on purpose, run `.venv/bin/python -m tests.api.test_spec`"
        " and commit tests/api/openapi.snapshot.json")


if __name__ == "__main__":
    from marketplace import create_app

    SNAPSHOT.write_text(render(_spec(create_app("testing"))), encoding="utf-8")
    print(f"wrote {SNAPSHOT}")
