"""``/``: the career planner for browsers (:mod:`kg.pages.planner`), the endpoint's list of
routes in plain text for everything else (``curl``, scripts)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

from kg.errors import KGError
from kg.pages.planner import served_page
from kg.serving.documents import home as routes_listing
from kg.serving.negotiation import negotiate


def planner_page(graph) -> tuple[str, str] | str:
    """The planner's HTML and CSP, made when the server starts: the graph a server holds
    never changes, and the first visitor should not wait for it. A graph with no roles has
    no planner, but is still served: then the reason, which ``/`` gives a browser."""
    try:
        return served_page(graph)
    except KGError as error:
        return str(error)


async def home(request: Request) -> Response:
    """The planner when HTML is what the client wants most, else the plain listing."""
    wanted = negotiate(request.headers.get("accept"),
                       {"text/plain": "text", "text/html": "html",
                        "application/xhtml+xml": "html"})
    if wanted != "html":
        response = await routes_listing(request)
        response.headers["Vary"] = "Accept"
        return response
    page = request.app.state.planner
    if isinstance(page, str):
        return PlainTextResponse(f"No career planner: {page}\n", 404, headers={"Vary": "Accept"})
    html, csp = page
    return Response(html, media_type="text/html; charset=utf-8", headers={
        "Content-Security-Policy": csp, "Vary": "Accept", "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "no-referrer"})
