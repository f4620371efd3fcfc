"""``/``: the career planner for browsers (:mod:`kg.pages.planner`), the endpoint's list of
routes in plain text for everything else (``curl``, scripts)."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from kg.pages.planner import served_page
from kg.serving.documents import home as routes_listing
from kg.serving.negotiation import negotiate


async def home(request: Request) -> Response:
    """The planner when HTML is what the client wants most, else the plain listing."""
    wanted = negotiate(request.headers.get("accept"),
                       {"text/plain": "text", "text/html": "html",
                        "application/xhtml+xml": "html"})
    if wanted != "html":
        response = await routes_listing(request)
        response.headers["Vary"] = "Accept"
        return response
    state = request.app.state
    page = getattr(state, "planner", None)
    if page is None:  # made once: the graph a server holds never changes
        page = state.planner = await run_in_threadpool(served_page, state.graph)
    html, csp = page
    return Response(html, media_type="text/html; charset=utf-8", headers={
        "Content-Security-Policy": csp, "Vary": "Accept", "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "no-referrer"})
