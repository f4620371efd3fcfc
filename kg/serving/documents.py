"""The release files at the ontology IRI's path, and the endpoint's home page."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

from kg.store import release as store
from kg.serving.dispatch import run_job
from kg.serving.negotiation import negotiate, parse_accept
from kg.serving.page_jobs import DOCS_JOB, browse_job
from kg.terminal import clip

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
            return await _docs_page(request)
        ext = negotiate(accept, RELEASE_TYPES)
        if ext is None:
            return _refuse(406, "Cannot answer in '" + clip(str(accept), 100) + "'; ask for one "
                           "of: " + ", ".join(RELEASE_TYPES) + ", text/html.")
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


async def _docs_page(request: Request) -> Response:
    """The reference page, made by a query worker (1.6 s for the release) and then kept: made
    on the event loop, its first request stalled every client."""
    html = request.app.state.docs_html
    if html is None:
        answer = await run_job(request, DOCS_JOB)
        if answer is None:  # the client left: its worker was stopped, nobody reads this
            return Response(status_code=503)
        if isinstance(answer, Response):  # busy
            return answer
        if answer.status != 200:
            return Response(answer.body, answer.status, media_type=answer.media_type)
        html = request.app.state.docs_html = answer.body
    return Response(html, media_type="text/html; charset=utf-8", headers={"Vary": "Accept"})


async def browse(request: Request) -> Response:
    """Entity pages, the pages and charts, and an index: see :mod:`kg.serving.linked_data`,
    made by a query worker (:mod:`kg.serving.page_jobs`); the written pages (charts, graph,
    ladder) are kept once made."""
    from kg.serving import linked_data

    path = request.url.path
    kept = request.app.state.pages
    name = path[len(linked_data.PREFIX):].strip("/")
    if name in linked_data.PAGES and name in kept:
        return Response(kept[name], media_type=linked_data.HTML, headers={"Vary": "Accept"})
    answer = await run_job(request, browse_job(path, request.url.query,
                                               request.headers.get("accept")))
    if answer is None:
        request.state.note = "client gone, stopped"
        return Response(status_code=503)  # nobody reads it
    if isinstance(answer, Response):
        return answer
    if name in linked_data.PAGES and answer.status == 200:
        kept[name] = answer.body
    return Response(answer.body, status_code=answer.status, media_type=answer.media_type,
                    headers={"Vary": "Accept"})


def _refuse(status: int, message: str) -> PlainTextResponse:
    return PlainTextResponse(message + "\n", status_code=status)
