"""Exact and bounded search for skill paths over an integer-indexed role ladder.

This package part knows nothing about RDF: roles are integers ``0..n-1``, the skills a role
requires are the bits of a Python ``int`` (:mod:`kg.paths.problem`), and networkx computes
the paths: A* over the graph of search states, exact (:mod:`kg.paths.exact`), Dijkstra on
per-step gaps when that outgrows its budget, and Yen's k best (:mod:`kg.paths.fallback`).
:mod:`kg.paths.answers` builds the ladder from the store and turns answers back into labels.
On ladders too wide for the exact search, :mod:`kg.paths.bounds` proves the fallback's
measure where it can, and :func:`best_path` with a ``ceiling`` settles the ties.
"""

from kg.paths.exact import best_path
from kg.paths.fallback import gap_dijkstra, k_best, step_weight
from kg.paths.problem import (
    INF, MODES, SKILLS_PER_MOVE_STEP, BudgetExceeded, Found, Ladder, Query, cone, cone_size,
    distances_to, evaluate, lower_bound, move_price, primary,
)

__all__ = ["INF", "MODES", "SKILLS_PER_MOVE_STEP", "BudgetExceeded", "Found", "Ladder", "Query",
           "best_path", "cone", "cone_size", "distances_to", "evaluate", "gap_dijkstra",
           "k_best", "lower_bound", "move_price", "primary", "step_weight"]
