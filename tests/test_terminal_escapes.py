"""Terminal escape injection (issue 9, section 3): labels from a ``--with`` file holding ESC
sequences (clear screen, OSC 0 title, OSC 8 link, OSC 52 clipboard), a C1 CSI and DEL, and
bidi controls (U+202E, U+2066: issue 25) are shown as visible escapes in every
human-readable output, and kept exact in machine formats."""

from __future__ import annotations

import json
import re

import pytest

import kg
from kg import terminal
from kg.query import formats

HOSTILE = r"""
@prefix ail: <https://w3id.org/ai-leadership-kg/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix evil: <https://example.org/evil#> .

evil:Doc a owl:NamedIndividual , ail:SourceDocument ;
    rdfs:label "Evil doc \u001B]8;;http://evil.example/\u001B\\click\u001B]8;;\u001B\\"@en ;
    skos:definition "A source whose label hides an OSC 8 link."@en .

evil:Section a owl:NamedIndividual , ail:SourceSection ;
    rdfs:label "Evil section \u001B]52;c;ZXZpbA==\u0007"@en ;
    skos:definition "A section whose label writes the clipboard (OSC 52)."@en ;
    dcterms:isPartOf evil:Doc .

evil:Role a owl:NamedIndividual , ail:Role ;
    rdfs:label "Wiper\u001B[2J\u001B[H Engineer\u001B]0;pwned\u0007 \u009B31m\u007F\u202Erotinom\u2066"@en ;
    skos:altLabel "Wiper alias \u001B[2J"@en ;
    skos:definition "Clears the screen \u001B[2J and sets the title \u001B]0;pwned\u0007."@en ;
    ail:seniorityLevel 5 ;
    ail:careerStage ail:StageLeadership ;
    ail:onTrack ail:TrackEngineering ;
    ail:progressesFrom ail:LeadAIEngineer ;
    ail:progressesTo ail:DirectorOfAI ;
    ail:requiresEssentialSkill ail:SkillPython , ail:SkillMentoring ;
    dcterms:source evil:Section .
"""
LABEL = "Wiper\x1b[2J\x1b[H Engineer\x1b]0;pwned\x07 \x9b31m\x7f\u202erotinom\u2066"
SHOWN = r"Wiper\x1b[2J\x1b[H Engineer\x1b]0;pwned\x07 \x9b31m\x7f\u202erotinom\u2066"
#: control characters, bidi controls (Unicode's Bidi_Control), line and paragraph separators
CONTROL = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e"
                     "\u2066-\u2069\u2028\u2029]")


@pytest.fixture(scope="module")
def hostile_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("hostile") / "hostile.ttl"
    path.write_text(HOSTILE, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def hostile_graph(hostile_file):
    return kg.load(extra=[hostile_file])  # the shapes run once for the whole module


@pytest.fixture()
def run(aikg, hostile_file, hostile_graph, monkeypatch):
    """``aikg --with hostile.ttl ARGS`` on the graph loaded once."""
    monkeypatch.setattr(kg, "load", lambda extra=(), check=True, **options: hostile_graph)

    def invoke(*args):
        result = aikg("--with", str(hostile_file), *args)
        assert result.exit_code in (0, 1), result.output
        return result

    return invoke


def _safe(text: str) -> str:
    assert not CONTROL.search(text), repr(text)
    return text


@pytest.mark.parametrize("args", [
    ("query", "SELECT ?role ?l WHERE { ?role skos:prefLabel|rdfs:label ?l } VALUES ?role "
              "{ <https://example.org/evil#Role> }"),
    ("query", "SELECT ?role ?l WHERE { ?role rdfs:label ?l } VALUES ?role "
              "{ <https://example.org/evil#Role> }", "--format", "md"),
    ("query", "CONSTRUCT WHERE { <https://example.org/evil#Role> rdfs:label ?l }"),
    ("describe", "evil:Role"),
    ("describe", "evil:Role", "--format", "md"),
    ("search", "Wiper"),
    ("path", "Lead AI Engineer", "Director of AI", "--via", "evil:Role"),
    ("path", "Lead AI Engineer", "Director of AI", "--via", "evil:Role", "--format", "md"),
    ("next", "Lead AI Engineer"),
    ("ready", "--have", "Python", "--have", "Mentoring"),
])
def test_human_readable_output_shows_escapes_not_control_characters(run, args):
    out = _safe(run(*args).stdout)
    assert SHOWN in out or r"Wiper\x1b[2J" in out


def test_error_messages_that_echo_labels_are_escaped(run):
    result = run("describe", "Wiper Engineer pwned 31m rotinom")
    assert result.exit_code == 1
    assert _safe(result.stderr).startswith("Error: No entity matches")
    assert r"\x1b" in result.stderr  # the suggestion names the label, escaped


def test_user_values_echoed_in_errors_are_escaped(aikg):
    result = aikg("describe", "nobody\x1b]0;pwned\x07")
    assert result.exit_code == 1
    assert _safe(result.stderr).startswith(r"Error: No entity matches 'nobody\x1b]0;pwned\x07'")


@pytest.mark.parametrize("fmt", ["csv", "tsv", "json"])
def test_machine_formats_keep_the_data_exact(run, fmt):
    out = run("query", "SELECT ?l WHERE { <https://example.org/evil#Role> rdfs:label ?l }",
              "--format", fmt).stdout
    if fmt == "json":
        assert json.loads(out)["results"]["bindings"][0]["l"]["value"] == LABEL
    else:
        assert "\x1b[2J\x1b[H Engineer\x1b]0;pwned\x07" in out


def test_xml_refuses_control_characters_it_cannot_carry(run):
    """XML 1.0 has no way to write ESC or BEL, not even as a character reference: the
    answer is refused in one line rather than written as a document no XML reader takes."""
    result = run("query", "SELECT ?l WHERE { <https://example.org/evil#Role> rdfs:label ?l }",
                 "--format", "xml")
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: The answer holds the character U+001B, which XML "
                                    "1.0 cannot carry")


def test_describe_and_path_json_keep_the_data_exact(run):
    card = json.loads(run("describe", "evil:Role", "--format", "json").stdout)
    assert card["label"] == LABEL


def test_rdf_output_keeps_the_data_exact(run):
    out = run("query", "CONSTRUCT WHERE { <https://example.org/evil#Role> rdfs:label ?l }",
              "--format", "nt").stdout
    assert "Wiper\\u001B[2J" in out or "Wiper\x1b[2J" in out


@pytest.mark.parametrize("width", range(2, 16))
def test_truncation_never_splits_an_escape(width):
    cell = terminal.clip("ab\x1b[2J\x9bxyz", width)
    assert len(cell) <= width and cell.endswith("…")
    kept = cell[:-1]
    assert re.fullmatch(r"(?:\\x[0-9a-f]{2}|[^\\])*", kept), kept
    table = formats.table(["c"], [["ab\x1b[2J\x9bxyz"]], max_width=width)
    assert not CONTROL.search(table)


def test_every_bidi_control_and_line_separator_is_escaped():
    import unicodedata

    bidi = [chr(c) for c in range(0x10000)
            if unicodedata.bidirectional(chr(c)) in ("LRE", "RLE", "LRO", "RLO", "PDF", "LRI",
                                                      "RLI", "FSI", "PDI")]
    special = "".join([*bidi, "\u200e", "\u200f", "\u061c", "\u2028", "\u2029", "\x85"])
    shown = terminal.escape(special)
    assert not CONTROL.search(shown) and len(shown.splitlines()) == 1
    assert shown.startswith(r"\u202a\u202b") and shown.endswith(r"\u2028\u2029\x85")
    assert len(terminal.escape("a\u2028b", keep_newlines=True).splitlines()) == 1
    table = formats.table(["c"], [["row\u2028forged | row"]], max_width=40)
    assert not CONTROL.search(table) and r"\u2028" in table


def test_every_control_character_is_escaped():
    controls = "".join(chr(c) for c in [*range(0x20), 0x7f, *range(0x80, 0xa0)])
    shown = terminal.escape(controls)
    assert not CONTROL.search(shown) and "\n" not in shown
    assert terminal.escape("é – “quotes” 日本") == "é – “quotes” 日本"
