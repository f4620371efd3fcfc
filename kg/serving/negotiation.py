"""Content negotiation for the endpoint: Accept headers and ``format=`` parameters."""

from __future__ import annotations


def parse_accept(header: str | None) -> list[tuple[str, float]]:
    """Media ranges of an Accept header, best first (stable for equal q).

    >>> parse_accept("text/csv;q=0.5, application/sparql-results+json")
    [('application/sparql-results+json', 1.0), ('text/csv', 0.5)]
    """
    ranges = []
    for index, part in enumerate((header or "*/*").split(",")):
        fields = [f.strip() for f in part.split(";")]
        media = fields[0].lower()
        if not media:
            continue
        q = 1.0
        for param in fields[1:]:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        ranges.append((media, q, index))
    ranges.sort(key=lambda r: (-r[1], r[2]))
    return [(m, q) for m, q, _ in ranges if q > 0]


def negotiate(header: str | None, offered: dict[str, str]) -> str | None:
    """The value of ``offered`` for the best acceptable media type; the first one for ``*/*``."""
    default = next(iter(offered.values()))
    for media, _ in parse_accept(header):
        if media in offered:
            return offered[media]
        if media == "*/*":
            return default
        if media.endswith("/*"):
            for candidate, value in offered.items():
                if candidate.startswith(media[:-1]):
                    return value
    return None


#: ``format=`` / ``output=`` parameter values (SPARQLWrapper and Fuseki send them)
FORMAT_PARAMS = {
    "json": ("JSON", "JSON_LD"), "xml": ("XML", "RDF_XML"), "csv": ("CSV", None),
    "tsv": ("TSV", None), "turtle": (None, "TURTLE"), "ttl": (None, "TURTLE"),
    "n3": (None, "TURTLE"), "nt": (None, "N_TRIPLES"), "ntriples": (None, "N_TRIPLES"),
    "json-ld": (None, "JSON_LD"), "jsonld": (None, "JSON_LD"), "rdf+xml": (None, "RDF_XML"),
}
