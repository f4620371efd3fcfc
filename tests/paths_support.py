"""The small constant ladder of tests/data/paths-ladder.ttl as a KnowledgeGraph."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pyoxigraph as ox

from kg.graph import KnowledgeGraph
from kg.store.turtle import parse_turtle
from kg.store.release import ontology_dir

LADDER = Path(__file__).parent / "data" / "paths-ladder.ttl"
AIL = "https://w3id.org/ai-leadership-kg/ontology#"


@lru_cache(maxsize=1)
def ladder_graph() -> KnowledgeGraph:
    """The TBox plus the fixture ladder (known answers, see the comment atop the file)."""
    store = ox.Store()
    store.extend(parse_turtle(ontology_dir() / "ai_leadership.ttl"))
    store.extend(parse_turtle(LADDER))
    return KnowledgeGraph(store)
