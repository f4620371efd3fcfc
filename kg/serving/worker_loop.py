"""The loop of one query worker process: a job in, an answer out.

A job is ``("sparql", Job, accept, format, given)``, checked by the query guard and run here
(:func:`checked`, :mod:`kg.serving.query_worker`), ``("call", question)`` for the JSON API
(:mod:`kg.serving.api_jobs`), or a page (:mod:`kg.serving.page_jobs`).
:mod:`kg.serving.pool` starts the processes, bounds each job by time and kills the process
of a job whose client has gone.
"""

from __future__ import annotations

import os

from kg.errors import KGError
from kg.query.sparql import check_safe
from kg.serving.page_jobs import Pages
from kg.serving import protocol
from kg.serving.query_worker import MEMORY_EXIT, Answer, Job, Limits, _error, execute, prepare


def checked(store, job: Job, accept: str | None, fmt: str | None, given: bool,
            limits: Limits, prefixes: dict) -> Answer:
    """The query guard, the result format for the query's form (:mod:`kg.serving.protocol`),
    then :func:`execute`: all inside the worker, so the guard's parse (seconds of rdflib for
    a long VALUES block) runs under the same timeout, cancelling and queue as the query, in a
    process of its own, never under a lock shared by every client. ``given``: the request
    named its dataset, so FROM may stand (it names graphs the endpoint serves)."""
    try:
        form = check_safe(job.text, given)
    except KGError as error:  # refused, too deep or too long: the client's fault, never a 500
        return _error(400, str(error), note="refused")
    try:
        kind = protocol.answer_kind(form, accept, fmt)
    except protocol.Refused as refused:
        return _error(refused.status, refused.message, note=form)
    answer = execute(store, job, kind, limits, prefixes)
    return Answer(answer.status, answer.media_type, answer.body, form)


def worker_main(conn, snapshot: str, prefixes: dict, limits: Limits,
                graph_class=None) -> None:
    """The loop of one worker process: a job in, an :class:`Answer` out.

    A job is ``("sparql", query, kind)`` or a page (:mod:`kg.serving.page_jobs`), which
    reads the store through ``cls(store, prefixes=page_prefixes)`` for ``graph_class`` =
    ``(cls, page_prefixes)`` (a :class:`kg.graph.KnowledgeGraph`), made on first use.
    """
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C on the server: the pool stops us
    store, mechanism = prepare(snapshot, limits)
    conn.send(("ready", mechanism))
    pages = None
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        if job is None:
            return
        try:
            if job[0] == "sparql":
                answer = checked(store, *job[1:], limits, prefixes)
            elif job[0] == "call":  # an /api question (kg.serving.api_jobs.Call) on this store
                answer = job[1](store)
            else:
                if pages is None:
                    cls, page_prefixes = graph_class
                    graph = cls(store, prefixes=page_prefixes)
                    graph.graph_name = protocol.GRAPH  # where the snapshot holds it
                    pages = Pages(graph, limits)
                answer = pages.answer(job)
        except MemoryError:
            answer = None
        except Exception as error:  # noqa: BLE001  (a worker must answer, whatever happens)
            answer = _error(500, f"Internal error: {type(error).__name__}: {error}")
        if answer is None:  # the heap may be in pieces: end here, the pool starts a fresh one
            os._exit(MEMORY_EXIT)
        conn.send(answer)
