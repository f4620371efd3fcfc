"""``/sparql``: a request read as the SPARQL 1.1 Protocol says, answered by a query worker.

The request's query, dataset (``default-graph-uri`` / ``named-graph-uri``) and wanted format
are read here; the guard, the choice of format for the query's form and the query itself run
in a worker (:mod:`kg.serving.worker_loop`). GET without a query answers the Service
Description (:mod:`kg.serving.protocol`).
"""

from __future__ import annotations

from urllib.parse import parse_qs

from starlette.requests import ClientDisconnect, Request
from starlette.responses import PlainTextResponse, Response

from kg.serving import protection, protocol, query_worker
from kg.serving.dispatch import answer_job


def _refuse(status: int, message: str) -> PlainTextResponse:
    return PlainTextResponse(message + "\n", status_code=status)


# -- handlers ----------------------------------------------------------------------------
async def _read_request(request: Request) -> tuple[str | None, dict[str, list[str]], Response | None]:
    """The query text and the parameters of a SPARQL protocol request, or a refusal."""
    params = parse_qs(request.url.query, keep_blank_values=True)
    query = None
    if request.method == "POST":
        media = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if media == "application/sparql-update":
            return None, params, _refuse(403, "Updates are refused: this endpoint is read-only.")
        settings = request.app.state.settings  # kg.serving.server.Settings
        try:
            raw = await protection.read_body(request, settings.max_body_kb * 1024,
                                             settings.client_timeout)
        except protection.BodyRefused as refused:
            return None, params, PlainTextResponse(refused.message + "\n", refused.status,
                                                   headers={"Connection": "close"})
        except ClientDisconnect:
            request.state.note = "client hung up mid-body"
            return None, params, Response(status_code=400)  # nobody reads it
        try:
            protocol.check_content_type(request.headers.get("content-type"))
        except protocol.Refused as refused:
            return None, params, _refuse(refused.status, refused.message)
        body = raw.decode("utf-8", errors="replace")
        if media == "application/x-www-form-urlencoded":
            form = parse_qs(body, keep_blank_values=True)
            for key, values in form.items():
                params.setdefault(key, []).extend(values)
        elif media == "application/sparql-query":
            query = body
        else:
            return None, params, _refuse(
                415, f"Unsupported Content-Type '{media or 'none'}': send "
                     "application/sparql-query or application/x-www-form-urlencoded.")
    if "update" in params:
        return None, params, _refuse(403, "Updates are refused: this endpoint is read-only.")
    if query is None:
        queries = params.get("query", [])
        if len(queries) != 1 or not queries[0].strip():
            return None, params, _refuse(
                400, "Send exactly one SPARQL query: GET /sparql?query=..., a form field "
                     "query=..., or a POST body of type application/sparql-query.")
        query = queries[0]
    return query, params, None


async def sparql_endpoint(request: Request) -> Response:
    if request.method == "GET" and not {"query", "update"} & set(
            parse_qs(request.url.query, keep_blank_values=True)):
        return _service_description(request)
    query, params, refusal = await _read_request(request)
    if refusal is not None:
        return refusal
    try:
        dataset = protocol.dataset(params, request.app.state.served)
    except protocol.Refused as refused:
        return _refuse(refused.status, refused.message)
    fmt = (params.get("format") or params.get("output") or [None])[0]
    # the guard, then the format for the query's form, run in the worker
    # (kg.serving.worker_loop.checked): the guard's parse is bounded by the query's timeout
    # and stopped with it when the client goes, never under a lock every client shares
    job = query_worker.Job(query, _endpoint_url(request), dataset.default, dataset.named)
    return await answer_job(request, ("sparql", job, request.headers.get("accept"), fmt,
                                      dataset.given))


def _endpoint_url(request: Request) -> str:
    """The endpoint's URL as this client reached it: the base IRI of its queries, and the
    subject of its Service Description."""
    return str(request.url.replace(query="", fragment=""))


def _service_description(request: Request) -> Response:
    try:
        body, media = protocol.description(_endpoint_url(request), request.app.state.served,
                                           request.headers.get("accept"))
    except protocol.Refused as refused:
        return _refuse(refused.status, refused.message)
    return Response(body, media_type=media, headers={"Vary": "Accept"})
