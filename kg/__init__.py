"""ai-leadership-kg: a knowledge graph of AI leadership careers.

>>> import kg
>>> g = kg.load()
>>> rows = g.named("skills-for-role", role="Head of AI")
>>> any(row["skillLabel"] == "Python" for row in rows)
True

Nothing heavy is imported here (pyoxigraph comes with ``kg.load``); rdflib, networkx and
the rest load when first used.
"""

from __future__ import annotations

from kg.errors import KGError  # noqa: F401  (re-exported)

__version__ = "0.1.0"
__all__ = ["KGError", "KnowledgeGraph", "load", "__version__"]


def __getattr__(name: str):
    """``kg.load`` and ``kg.KnowledgeGraph``, imported when first asked for: the ``aikg``
    command (:mod:`kg.__main__`) imports this package before it can quiet Ctrl-C."""
    if name == "KnowledgeGraph":
        from kg.graph import KnowledgeGraph

        return KnowledgeGraph
    if name == "load":
        from kg.loading import load

        return load
    raise AttributeError(f"module 'kg' has no attribute '{name}'")
