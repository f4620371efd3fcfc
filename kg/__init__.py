"""ai-leadership-kg: a knowledge graph of AI leadership careers.

>>> import kg
>>> g = kg.load()
>>> rows = g.named("skills-for-role", role="Head of AI")
>>> any(row["skillLabel"] == "Python" for row in rows)
True

Only pyoxigraph is imported here; rdflib, networkx and the rest load when first used.
"""

from __future__ import annotations

from kg.errors import KGError  # noqa: F401  (re-exported)
from kg.graph import KnowledgeGraph, load  # noqa: F401  (re-exported)

__version__ = "0.1.0"
__all__ = ["KGError", "KnowledgeGraph", "load", "__version__"]
