"""``/api/``: the career questions as JSON over HTTP, with the command line's parameters.

``GET /api/path?from=...&to=...&have=...`` answers what ``aikg path FROM TO --have ...
--format json`` prints, byte for byte; so do ``gap``, ``next``, ``ready``, ``search`` and
``describe``. Two more serve the planner page: ``skills`` (the skills a role requires, which
the page ticks as held) and ``find`` (roles and skills by name across every loaded vocabulary,
typos forgiven). ``/api/openapi.json`` describes them all, made from :data:`ENDPOINTS`.

Every question runs in the SPARQL endpoint's worker pool (:mod:`kg.serving.pool`), so the API
has its queue, timeout, memory cap and cancellation; :mod:`kg.serving.api_jobs` is the part
that runs in a worker. Errors are JSON, ``{"error": "<the command's one-line message>",
"status": N}``; an unknown parameter is a 400 that lists the allowed ones; a busy server a 503
with Retry-After.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from urllib.parse import parse_qs

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from kg.paths.search import MODES
from kg.serving.api_jobs import JSON, Call, error_answer
from kg.serving.documents import _version
from kg.serving.pool import Busy
from kg.serving.dispatch import client_gone

#: the longest value a parameter may have (a label, a CURIE, an IRI)
MAX_VALUE = 1000
#: the most values a repeatable parameter may have (skills held, roles to pass)
MAX_VALUES = 500


@dataclass(frozen=True)
class Param:
    name: str
    description: str
    required: bool = False
    repeat: bool = False
    kind: str = "string"  # string, integer, boolean
    minimum: int | None = None
    maximum: int | None = None
    choices: tuple[str, ...] = ()
    default: object = None


@dataclass(frozen=True)
class Endpoint:
    name: str
    summary: str
    command: str  # what it answers like
    params: tuple[Param, ...]


HAVE = Param("have", "A skill you hold (label, alternative label, CURIE or IRI). Repeatable.",
             repeat=True)
ENDPOINTS = {e.name: e for e in (
    Endpoint("path", "The skill path from one role to another: every step, what to learn, "
             "running totals.", "aikg path FROM TO --format json", (
                 Param("from", "The role you start from.", required=True),
                 Param("to", "The role you aim for.", required=True),
                 HAVE,
                 Param("by", "Rank by fewest new skills, fewest steps, or fewest years of "
                       "experience asked for.", choices=MODES, default="skills"),
                 Param("via", "Pass through this role. Repeatable.", repeat=True),
                 Param("avoid", "Never pass through this role. Repeatable.", repeat=True),
                 Param("alternatives", "The K best distinct paths.", kind="integer",
                       minimum=1, maximum=20, default=1),
                 Param("lateral", "Also use lateral moves and career changes.",
                       kind="boolean", default=False))),
    Endpoint("gap", "The skills role TO requires that role FROM (plus have) does not.",
             "aikg gap FROM TO --format json", (
                 Param("from", "The role you start from.", required=True),
                 Param("to", "The role you compare with.", required=True), HAVE)),
    Endpoint("next", "The roles one step on from a role, each with the skills it adds.",
             "aikg next ROLE --format json", (
                 Param("role", "The role you are in.", required=True), HAVE)),
    Endpoint("ready", "Roles ranked by the essential skills you hold, weighted by importance.",
             "aikg ready --format json", (
                 HAVE,
                 Param("role", "Your current role: the skills it requires count as held."),
                 Param("limit", "Only the N best-ranked roles.", kind="integer", minimum=1,
                       maximum=100_000))),
    Endpoint("search", "Full-text search over labels, alternative labels and definitions "
             "(SPARQL results JSON).", "aikg search TEXT --format json", (
                 Param("text", "The words to look for.", required=True),
                 Param("class", "Only entities of this class, e.g. ail:Skill."),
                 Param("limit", "At most N hits.", kind="integer", minimum=1,
                       maximum=100_000, default=20))),
    Endpoint("describe", "Everything about one entity: labels, classes, links, figures, "
             "provenance.", "aikg describe ENTITY --format json", (
                 Param("entity", "A label, alternative label, CURIE or IRI.", required=True),)),
    Endpoint("skills", "The skills a role requires, essential first (what the planner ticks "
             "as held).", "aikg query skills-for-role -p role ROLE", (
                 Param("role", "The role.", required=True),)),
    Endpoint("find", "Roles (or entities of a class) by name across every loaded vocabulary: "
             "exact, then contained, then close labels (typos), each with its vocabulary.",
             "aikg search TEXT, forgiving typos", (
                 Param("text", "The name, or part of it.", required=True),
                 Param("class", "Only entities of this class, e.g. ail:Occupation."),
                 Param("limit", "At most N candidates.", kind="integer", minimum=1,
                       maximum=100, default=12))),
)}


class BadRequest(Exception):
    def __init__(self, message: str, **extra):
        super().__init__(message)
        self.extra = extra


def parse(endpoint: Endpoint, query: str) -> dict:
    """The checked parameters of a request to ``endpoint`` (raises :class:`BadRequest`).

    Values stay text: the library resolves names and says what is wrong with them, in the
    same words as the command line."""
    raw = parse_qs(query, keep_blank_values=True)
    known = {p.name: p for p in endpoint.params}
    allowed = [p.name for p in endpoint.params]
    for name in raw:
        if name not in known:
            listed = ", ".join(allowed) or "none"
            raise BadRequest(f"/api/{endpoint.name} has no parameter '{name}'; it takes: "
                             f"{listed}.", allowed=allowed)
    out = {}
    for param in endpoint.params:
        values = raw.get(param.name, [])
        if not values:
            if param.required:
                raise BadRequest(f"/api/{endpoint.name} needs the parameter '{param.name}' "
                                 f"({param.description[0].lower() + param.description[1:]})",
                                 allowed=allowed)
            continue
        if len(values) > (MAX_VALUES if param.repeat else 1):
            raise BadRequest(f"'{param.name}' is given {len(values)} times; "
                             + (f"at most {MAX_VALUES}." if param.repeat else "give it once."))
        for value in values:
            if len(value) > MAX_VALUE or not value.strip():
                shown = value[:40] + ("..." if len(value) > 40 else "")
                raise BadRequest(f"'{param.name}={shown}' is {'empty' if not value.strip() else 'too long'}; "
                                 f"give a name of at most {MAX_VALUE} characters.")
        out[param.name] = values if param.repeat else _typed(param, values[0])
    return out


def _typed(param: Param, value: str):
    if param.kind == "integer":
        try:
            number = int(value)
        except ValueError:
            raise BadRequest(f"'{param.name}' must be a whole number (got '{value}').") from None
        low = param.minimum if param.minimum is not None else number
        high = param.maximum if param.maximum is not None else number
        if not low <= number <= high:
            raise BadRequest(f"'{param.name}' must be between {low} and {high} (got {number}).")
        return number
    if param.kind == "boolean":
        words = {"true": True, "1": True, "yes": True, "false": False, "0": False, "no": False}
        if value.lower() not in words:
            raise BadRequest(f"'{param.name}' must be true or false (got '{value}').")
        return words[value.lower()]
    return value


def _json(answer, headers=None) -> Response:
    return Response(answer.body, status_code=answer.status, media_type=answer.media_type,
                    headers=headers)


async def answer(request: Request) -> Response:
    """One API question: checked here, answered in a query worker."""
    endpoint = ENDPOINTS.get(request.path_params["name"])
    if endpoint is None:
        return _json(error_answer(404, f"No API question '{request.path_params['name']}'; "
                                       f"ask one of: {', '.join(ENDPOINTS)} (see "
                                       "/api/openapi.json).", allowed=list(ENDPOINTS)))
    try:
        params = parse(endpoint, request.url.query)
    except BadRequest as bad:
        return _json(error_answer(400, str(bad), **bad.extra))
    graph = request.app.state.graph
    call = Call(endpoint.name, params, type(graph), dict(graph.prefixes),
                getattr(graph, "folder", None))
    request.state.note = f"api {endpoint.name}"
    client = request.client.host if request.client else "-"
    try:
        result = await request.app.state.pool.run(("call", call), client,
                                                  lambda: client_gone(request.receive))
    except Busy as busy:
        return _json(error_answer(503, str(busy), retry_after=busy.retry_after),
                     {"Retry-After": str(busy.retry_after)})
    if result is None:  # the client left: nobody reads this
        return Response(status_code=503)
    if result.media_type != JSON:  # the pool's own words (timeout, memory cap, crash)
        text = result.body.decode("utf-8", "replace").strip()
        return _json(error_answer(result.status, text))
    return _json(result)


async def openapi(request: Request) -> Response:
    return Response(json.dumps(openapi_document(), indent=2), media_type=JSON)


def openapi_document() -> dict:
    """The OpenAPI 3.1 description of ``/api``, made from :data:`ENDPOINTS`."""
    error = {"description": "The command line's one-line message.",
             "content": {JSON: {"schema": {"$ref": "#/components/schemas/Error"}}}}
    paths = {}
    for endpoint in ENDPOINTS.values():
        paths[f"/api/{endpoint.name}"] = {"get": {
            "operationId": endpoint.name, "summary": endpoint.summary,
            "description": f"Answers like `{endpoint.command}`.",
            "parameters": [_parameter(p) for p in endpoint.params],
            "responses": {
                "200": {"description": "The answer, as the command prints it.",
                        "content": {JSON: {"schema": {"type": "object"}}}},
                "400": error, "404": {**error, "description": "A name that matches nothing."},
                "503": {**error, "description": "Too busy, or the question ran past the "
                                                 "timeout; see Retry-After.",
                        "headers": {"Retry-After": {"schema": {"type": "integer"}}}},
            }}}
    return {
        "openapi": "3.1.0",
        "info": {"title": "ai-leadership-kg career API", "version": _version(),
                 "description": "The career questions of the aikg command line as JSON."},
        "paths": paths,
        "components": {"schemas": {"Error": {
            "type": "object", "required": ["error", "status"],
            "properties": {"error": {"type": "string"}, "status": {"type": "integer"},
                           "allowed": {"type": "array", "items": {"type": "string"}},
                           "retry_after": {"type": "integer"}}}}},
    }


def _parameter(param: Param) -> dict:
    schema: dict = {"type": param.kind}
    if param.choices:
        schema["enum"] = list(param.choices)
    if param.minimum is not None:
        schema["minimum"] = param.minimum
    if param.maximum is not None:
        schema["maximum"] = param.maximum
    if param.default is not None:
        schema["default"] = param.default
    if param.repeat:
        schema = {"type": "array", "items": schema}
    out = {"name": param.name, "in": "query", "required": param.required,
           "description": param.description, "schema": schema}
    if param.repeat:
        out.update(style="form", explode=True)
    return out


def routes() -> list[Route]:
    return [Route("/api/openapi.json", openapi), Route("/api/{name}", answer)]
