"""The endpoint's pages, made inside its query workers: ``/browse`` and the ontology's HTML.

An entity page runs ``entity-facts`` and labels every member of a class: a minute and more on
a large class of a 100k-triple graph. Made in the server's own process, 45 such requests,
each dropped by its client after a second, held every thread for 13 minutes. So a page is a
job for a query worker like a ``/sparql`` query (:mod:`kg.serving.pool`): the same timeout,
the same bounded and fair queue, killed when its client goes, its answer capped in bytes.
Nothing here imports a web framework.
"""

from __future__ import annotations

from kg.errors import KGError
from kg.serving.query_worker import Answer, Limits, _error

HTML = "text/html; charset=utf-8"


def browse_job(path: str, query_string: str, accept: str | None) -> tuple:
    """The job for ``GET <path>?<query_string>`` under ``/browse``."""
    return ("browse", path, query_string, accept)


#: the job for the ontology's reference page (``text/html`` at the ontology IRI)
DOCS_JOB = ("docs",)


class Pages:
    """Answers page jobs from the worker's graph (a :class:`kg.graph.KnowledgeGraph` over
    the worker's store); pages made once are kept while the worker lives."""

    def __init__(self, graph, limits: Limits):
        self.graph = graph
        self.limits = limits
        self.cache: dict = {}

    def answer(self, job: tuple) -> Answer:
        try:
            status, media, body = self._make(job)
        except KGError as error:
            return _error(400, str(error))
        if len(body) > self.limits.max_bytes:
            megabytes = self.limits.max_bytes / 2**20
            return _error(503, f"The page is larger than {megabytes:g} MB, the server's cap; "
                               "restart the server with a higher --max-response-mb.")
        return Answer(status, media, body)

    def _make(self, job: tuple) -> tuple[int, str, bytes]:
        if job[0] == "browse":
            from kg.serving import linked_data

            _, path, query_string, accept = job
            return linked_data.respond(self.graph, path, query_string, accept, self.cache)
        if job[0] == "docs":
            from kg.pages import docs

            return 200, HTML, docs.render_html(self.graph).encode("utf-8")
        return 404, "text/plain; charset=utf-8", b"No such page.\n"
