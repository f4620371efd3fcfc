"""The named-query catalogue: every query is documented, runs, and gives the same answers on
pyoxigraph and on rdflib's own SPARQL engine."""

from __future__ import annotations

import re

import pyoxigraph as ox
import pytest

from kg.query import catalogue

QUERIES = sorted(catalogue.catalogue())
#: queries whose header says they need an import ("# needs: ..."): the shipped graph alone has
#: no rows for them; tests/test_importers.py runs them on an imported fixture instead
NEEDS_IMPORT = sorted(q for q in QUERIES if "\n# needs:" in catalogue.get(q).text)
ON_SHIPPED = [q for q in QUERIES if q not in NEEDS_IMPORT]
AIL = "https://w3id.org/ai-leadership-kg/ontology#"

# Parameters to run each parameterised query with (labels, as users type them).
EXAMPLE_PARAMS = {
    "skills-for-role": {"role": "Head of AI Engineering"},
    "skill-gap": {"from": "AI Engineer", "to": "Head of AI"},
    "roles-needing-skill": {"skill": "Python"},
    "practices-for-challenge": {"challenge": "Ensuring high-quality, relevant data"},
    "provenance": {"entity": "Head of AI Engineering"},
    "entity-facts": {"entity": "ail:HeadOfAIEngineering"},
    "entity-classes": {"entity": "ail:SkillPython"},
    "search": {"text": "leadership"},
    "search-in-class": {"text": "learning", "class": "ail:Skill"},
    "figures-in-region": {"region": "North America"},
    "role-progression": {},
}


def example_params(named):
    given = dict(EXAMPLE_PARAMS.get(named.name, {}))
    for param in named.params:
        if not param.optional and param.name not in given:
            given[param.name] = "Head of AI Engineering"
    return given


@pytest.mark.parametrize("name", QUERIES)
def test_query_file_is_documented(name):
    named = catalogue.get(name)
    assert not named.summary.startswith("(no "), f"{name}.rq has no '# summary:' line"
    assert named.row, f"{name}.rq has no '# row:' line"
    declared = set(re.findall(r"PREFIX\s+([\w-]*):", named.text))
    used = set(re.findall(r"(?<![\w<\"'])([A-Za-z][\w-]*):[A-Za-z_]", re.sub(r"#.*", "", named.text)))
    assert used - {"http", "https", "urn", "file"} <= declared, \
        f"{name}.rq must declare its own prefixes so it runs unchanged in any engine"


@pytest.mark.parametrize("name", QUERIES)
def test_parameters_are_projected(name):
    """pyoxigraph binds only projected variables: every parameter must be in the SELECT."""
    named = catalogue.get(name)
    select = re.search(r"SELECT(.*?)WHERE", named.text, re.S | re.I)
    if not select or "*" in select.group(1):
        return
    for param in named.params:
        assert f"?{param.name}" in select.group(1).split(), (name, param.name)


@pytest.mark.parametrize("name", ON_SHIPPED)
def test_query_runs_on_the_real_graph(graph, name):
    named = catalogue.get(name)
    rows = graph.named(name, **example_params(named))
    assert rows, f"{name} returned no rows on the real graph"


def _normalise(value) -> str:
    text = str(value).lower() if isinstance(value, bool) else str(value)
    return ", ".join(sorted(text.split(", "))) if ", " in text else text


@pytest.mark.parametrize("name", QUERIES)
def test_pyoxigraph_and_rdflib_agree(graph, rdflib_graph, name):
    from rdflib import Literal, URIRef
    from rdflib.plugins.sparql import prepareQuery

    named = catalogue.get(name)
    bound = graph.bind_params(named, example_params(named))
    ours = graph.query(named.text, **bound)
    init = {k: URIRef(v.value) if isinstance(v, ox.NamedNode) else Literal(v.value)
            for k, v in bound.items()}
    theirs = rdflib_graph.query(prepareQuery(named.text), initBindings=init)
    names = [str(v) for v in theirs.vars]
    theirs_rows = sorted(
        tuple(sorted((n, _normalise(row[n])) for n in names if row[n] is not None))
        for row in theirs
    )
    ours_rows = sorted(tuple(sorted((k, _normalise(v)) for k, v in row.items())) for row in ours)
    assert ours_rows == theirs_rows


@pytest.fixture(scope="module")
def rdflib_graph(graph):
    return graph.rdflib_graph()


OPTIONAL_CASES = [(q, p.name) for q in ON_SHIPPED for p in catalogue.get(q).params if p.optional]


@pytest.mark.parametrize("name,param", OPTIONAL_CASES)
def test_optional_parameter_filters_rows(graph, name, param):
    """Binding an optional parameter keeps exactly the rows that carry that value.

    pyoxigraph substitutes a bound variable everywhere, so a parameter inside OPTIONAL or
    FILTER would not filter; this catches a query that puts one there."""
    everything = graph.named(name)
    values = sorted({row[param] for row in everything if param in row},
                    key=lambda v: (not str(v).startswith(AIL), str(v)))
    assert values, f"{name} never returns {param}"
    chosen = values[0]
    only = graph.named(name, **{param: chosen})
    assert only and all(row[param] == chosen for row in only)
    assert sorted(map(repr, only)) == sorted(repr(r) for r in everything if r.get(param) == chosen)
