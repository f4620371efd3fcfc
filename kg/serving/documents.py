"""The release files at the ontology IRI's path, and the endpoint's home page."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

from kg.store import release as store
from kg.serving.negotiation import negotiate, parse_accept

ONTOLOGY_PATH = "/" + store.ONTOLOGY_IRI.split("://", 1)[1].split("/", 1)[1]  # /ai-leadership-kg/ontology
RELEASE_TYPES = {  # media type -> release file extension; the first is the default
    "text/turtle": "ttl",
    "application/n-triples": "nt",
    "application/rdf+xml": "rdf",
    "application/ld+json": "jsonld",
    "application/owl+xml": "rdf",  # Protégé asks for it; RDF/XML is what it reads best
    "application/xml": "rdf",
    "text/plain": "nt",
}
EXTENSION_TYPES = {
    "ttl": "text/turtle; charset=utf-8",
    "nt": "application/n-triples",
    "rdf": "application/rdf+xml",
    "owl": "application/rdf+xml",
    "jsonld": "application/ld+json",
}


async def ontology_document(request: Request) -> Response:
    """The release files at the ontology IRI's path, negotiated or by extension."""
    settings = request.app.state.settings  # a kg.serving.server.Settings
    rest = request.path_params.get("rest", "")
    name, ext = rest, None
    stem, dot, suffix = rest.rpartition(".")
    if dot and suffix in EXTENSION_TYPES:
        name, ext = stem, suffix
    name = name.lstrip("/")
    tbox = name == "tbox"
    if name not in ("", "tbox", _version()):
        return _refuse(404, f"No document '{request.url.path}'; try {ONTOLOGY_PATH}.")
    if ext is None:
        accept = request.headers.get("accept")
        best = parse_accept(accept)
        if best and best[0][0] in ("text/html", "application/xhtml+xml") and not tbox:
            from kg.pages import docs

            html = request.app.state.docs_html
            if html is None:
                html = request.app.state.docs_html = docs.render_html(request.app.state.graph)
            return Response(html, media_type="text/html; charset=utf-8",
                            headers={"Vary": "Accept"})
        ext = negotiate(accept, RELEASE_TYPES)
        if ext is None:
            return _refuse(406, "Cannot answer in '" + str(accept) + "'; ask for one of: "
                           + ", ".join(RELEASE_TYPES) + ", text/html.")
    if tbox and ext == "jsonld":
        return _refuse(404, "The TBox ships as .ttl, .nt and .rdf; ask for one of those.")
    file_ext = "rdf" if ext == "owl" else ext
    path = settings.release / f"{store.RELEASE_NAME}{'-tbox' if tbox else ''}.{file_ext}"
    if not path.is_file():
        return _refuse(404, f"The release has no {path.name}; run 'aikg build'.")
    return Response(path.read_bytes(), media_type=EXTENSION_TYPES[ext],
                    headers={"Vary": "Accept"})


def _version() -> str:
    import kg

    return kg.__version__


async def home(request: Request) -> Response:
    return PlainTextResponse(
        "ai-leadership-kg SPARQL endpoint (read-only)\n"
        "  /                                the career planner (in a browser: Accept: text/html)\n"
        "  /api/path?from=...&to=...        career questions as JSON (path, gap, next, ready,\n"
        "                                   search, describe); /api/openapi.json describes them\n"
        "  /sparql?query=...                SPARQL 1.1 Protocol (GET, POST form, POST body)\n"
        f"  {ONTOLOGY_PATH}         the release (Accept: text/turtle, application/n-triples,\n"
        "                                   application/rdf+xml, application/ld+json, text/html)\n"
        f"  {ONTOLOGY_PATH}.ttl|.nt|.rdf|.jsonld   the same by extension\n"
        f"  {ONTOLOGY_PATH}/tbox[.ext]      the TBox alone\n"
        "  /browse                          pages of the entities, charts, a query form (HTML)\n"
    )


async def browse(request: Request) -> Response:
    """Entity pages, the pages and charts, and an index: see :mod:`kg.serving.linked_data`."""
    from starlette.concurrency import run_in_threadpool

    from kg.serving import linked_data

    status, media, body = await run_in_threadpool(
        linked_data.respond, request.app.state.graph, request.url.path, request.url.query,
        request.headers.get("accept"), request.app.state.pages)
    return Response(body, status_code=status, media_type=media, headers={"Vary": "Accept"})


def _refuse(status: int, message: str) -> PlainTextResponse:
    return PlainTextResponse(message + "\n", status_code=status)
