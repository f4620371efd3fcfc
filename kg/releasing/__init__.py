"""What the build writes besides checking: the release's files.

- :mod:`kg.releasing.inference`: the RDFS/OWL entailments a query writer expects, as triples.
- :mod:`kg.releasing.jsonld`: JSON-LD that reads as plain JSON (the context, a compaction).
- :mod:`kg.releasing.export`: the whole graph as one file (the release, or merged with user files).

(``kg/release`` is taken: it is where the wheel ships the release files themselves.)
"""
