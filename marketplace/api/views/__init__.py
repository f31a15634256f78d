"""The API's blueprints (one per module, each owning its routes), bound to the app by
`init_api` with the docs, the problem answers, bearer auth, CORS and idempotency."""

from __future__ import annotations

import http
from typing import Any

from flask import Blueprint as FlaskBlueprint
from flask import Flask, Response, current_app, g, render_template, request, url_for
from flask_babel import gettext as _
from flask_smorest import Api
from flask_smorest.utils import prepare_response

from marketplace.api import auth, idempotency, problems
from marketplace.api.schemas import ProblemSchema
from marketplace.api.views import campaigns, helping, inbox, missions, people, tokens
from marketplace.extensions import csrf

PREFIX = "/api/v1"
PROBLEM_JSON = "application/problem+json"
DESCRIPTION = """Everything a client and a helper do on Entraide, over JSON.

* **Auth**: `POST /tokens` with email and password gives a short-lived access token and a
  refresh token; send `Authorization: Bearer <access token>`; `POST /tokens/refresh` rotates
  the pair (a refresh token works once: a second use revokes every token of its family).
* **Idempotency**: every POST accepts an `Idempotency-Key` header; the same key and body
  within 24 h replays the first answer (`Idempotent-Replayed: true`), the same key with
  another body answers 422.
* **Errors**: `application/problem+json` (RFC 9457) with a stable `code` and field `errors`,
  in the language of `Accept-Language` (fr, en).
* **Lists**: opaque `cursor` and a bounded `limit`; money as `{amount, currency}` in minor
  units; times in ISO 8601 UTC.
"""


class EntraideApi(Api):
    """flask-smorest, minus its app-wide error handler (the site keeps its error pages;
    problems.install answers problem+json under /api) and with problem+json documented."""

    ERROR_SCHEMA = ProblemSchema

    def _register_error_handlers(self) -> None:
        """Nothing: see problems.install."""

    def _register_responses(self) -> None:
        """The shared error responses (one per status, and the default) as problems."""
        for status in http.HTTPStatus:
            response: dict[str, Any] = {"description": status.phrase}
            if status >= 400:
                response["schema"] = self.ERROR_SCHEMA
                prepare_response(response, self.spec, PROBLEM_JSON)
            self.spec.components.response(status.name, response, lazy=True)
        default: dict[str, Any] = {"description": "A problem (RFC 9457)",
                                   "schema": self.ERROR_SCHEMA}
        prepare_response(default, self.spec, PROBLEM_JSON)
        self.spec.components.response("DEFAULT_ERROR", default, lazy=True)


def _settings(app: Flask) -> None:
    app.config.setdefault("API_TITLE", "Entraide")
    app.config.setdefault("API_VERSION", "v1")
    app.config.setdefault("OPENAPI_VERSION", "3.1.0")
    app.config.setdefault("OPENAPI_URL_PREFIX", PREFIX)
    app.config.setdefault("OPENAPI_JSON_PATH", "openapi.json")
    app.config.setdefault("API_RETURN_URL_ALLOWLIST", ["entraide://"])
    app.config.setdefault("API_CORS_ORIGINS", [])
    app.config.setdefault("API_SPEC_OPTIONS", {
        "info": {"description": DESCRIPTION},
        "servers": [{"url": "/"}],
        "security": auth.BEARER,
        "components": {"securitySchemes": {"bearerAuth": {
            "type": "http", "scheme": "bearer", "bearerFormat": "opaque"}}},
    })


BLUEPRINTS = (tokens.blp, people.blp, missions.blp, helping.blp, inbox.blp, campaigns.blp)


def init_api(app: Flask) -> Api:
    """Bind the API to the app: its blueprints, docs, errors, auth, CORS, idempotency."""
    _settings(app)
    api = EntraideApi(app)
    for blp in BLUEPRINTS:
        blp.before_request(_before)
        blp.after_request(_after)
        api.register_blueprint(blp)
    _document_idempotency(api)
    app.register_blueprint(_docs_blueprint())
    problems.install(app)
    for blp in BLUEPRINTS:
        csrf.exempt(blp)  # bearer tokens, never cookies: nothing for CSRF to protect
    app.after_request(_cors_and_cookies)
    return api


def _document_idempotency(api: Api) -> None:
    """Every POST of a signed-in caller takes an Idempotency-Key (tokens are excluded: their
    answers hold secrets we never store in clear)."""
    api.spec.components.parameter("IdempotencyKey", "header", {
        "name": idempotency.HEADER, "required": False,
        "schema": {"type": "string", "minLength": 1, "maxLength": 255,
                   "pattern": "^[\\x21-\\x7e]+$"},
        "description": "Retry-safe POST: the same key and body within 24 h replay the first "
                       "answer; the same key with another body answers 422."})
    for path, operations in api.spec._paths.items():
        post = operations.get("post")
        if post is not None and not path.startswith(f"{PREFIX}/tokens"):
            post.setdefault("parameters", []).append(
                {"$ref": "#/components/parameters/IdempotencyKey"})


def _before() -> Response | None:
    if request.method in ("POST", "PUT") and request.content_length and not request.is_json:
        raise problems.ApiProblem(415, "unsupported_media_type",
                                  _("Send a JSON body (Content-Type: application/json)."))
    auth.load_caller()
    user = g.get("api_user")
    return idempotency.begin(user.id) if user is not None else None


def _after(response: Response) -> Response:
    return idempotency.finish(response)


def _cors_and_cookies(response: Response) -> Response:
    """Under /api: no cookie ever set, and CORS only for the configured origins."""
    if not request.path.startswith(problems.API_PREFIX):
        return response
    response.headers.pop("Set-Cookie", None)
    response.vary.add("Origin")
    origin = request.headers.get("Origin")
    if origin and origin in current_app.config.get("API_CORS_ORIGINS", []):
        response.headers["Access-Control-Allow-Origin"] = origin
        response.headers["Access-Control-Allow-Headers"] = (
            "Authorization, Content-Type, Idempotency-Key, Accept-Language")
        response.headers["Access-Control-Allow-Methods"] = "GET, POST, PUT, DELETE"
    return response


def _docs_blueprint() -> FlaskBlueprint:
    """/api/v1/docs: Swagger UI from our own static files (offline, no CDN)."""
    bp = FlaskBlueprint("api_docs", __name__, url_prefix=PREFIX, static_folder="../static",
                        static_url_path="/static", template_folder="../templates")

    @bp.route("/docs")
    def docs() -> Response:
        page = render_template("api/docs.html", spec_url=url_for("api-docs.openapi_json"))
        response = Response(page, mimetype="text/html")
        response.headers["Content-Security-Policy"] = (
            "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
            "script-src 'self'; connect-src 'self'; frame-ancestors 'none'; "
            "base-uri 'self'; object-src 'none'")
        return response

    return bp
