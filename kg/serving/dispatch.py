"""A request's job handed to the query workers (:mod:`kg.serving.pool`) and its answer sent.

Every answer that reads the graph (``/sparql``, ``/browse``, the ontology's HTML page) goes
through :func:`answer_job`, so none of them runs in the server's own process: the event loop
and its threads only route, read bodies and send bytes.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

from kg.serving.pool import Busy


async def run_job(request: Request, job: tuple):
    """The worker's :class:`~kg.serving.query_worker.Answer` to ``job``; a 503 response when
    the queue is full, None when the client left first (its worker was stopped)."""
    pool = request.app.state.pool
    client = request.client.host if request.client else "-"
    try:
        return await pool.run(job, client, lambda: client_gone(request.receive))
    except Busy as busy:
        return PlainTextResponse(str(busy) + "\n", 503,
                                 headers={"Retry-After": str(busy.retry_after)})


async def answer_job(request: Request, job: tuple, headers: dict | None = None) -> Response:
    """:func:`run_job` as a response (``Vary: Accept`` and ``headers`` on a worker's answer)."""
    answer = await run_job(request, job)
    if isinstance(answer, Response):
        return answer
    if answer is None:
        request.state.note = "client gone, stopped"
        return Response(status_code=503)  # nobody reads it
    if answer.note:
        request.state.note = answer.note
    return Response(answer.body, status_code=answer.status, media_type=answer.media_type,
                    headers={"Vary": "Accept", **(headers or {})})


async def client_gone(receive) -> None:
    """Resolve when the client closes its connection (the body has been read by then)."""
    while (await receive())["type"] != "http.disconnect":
        pass
